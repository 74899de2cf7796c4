import type { PolicyEvent } from './policy.events.js';

export interface PublishedPolicy {
  readonly version: string;
  readonly effectiveFrom: string;
  readonly material: boolean;
  readonly url: string;
  readonly textSha256: string;
  readonly publishedAt: string;
}

/** What a tenant's policy stream says: the versions published, in publication order. */
export interface PolicyState {
  readonly versions: readonly PublishedPolicy[];
}

export const initialPolicyState = (): PolicyState => ({ versions: [] });

export const evolvePolicy = (state: PolicyState, event: PolicyEvent): PolicyState => {
  switch (event.type) {
    case 'policy-published':
      // decide never publishes a version twice; folding stays total for an odd history:
      // the first publication of a version is the one that counts.
      if (findPolicyVersion(state, event.data.version)) return state;
      return { versions: [...state.versions, { ...event.data, publishedAt: event.occurredAt }] };
    case 'policy-notice-sent':
      // Notices live on their own streams and change nothing about what is published.
      return state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const foldPolicy = (events: Iterable<PolicyEvent>): PolicyState => {
  let state = initialPolicyState();
  for (const event of events) state = evolvePolicy(state, event);
  return state;
};

export const findPolicyVersion = (state: PolicyState, version: string): PublishedPolicy | undefined =>
  state.versions.find((policy) => policy.version === version);

/**
 * The versions a consent may name: null while the tenant has published none (then any
 * version label is accepted, as before policies were recorded).
 */
export const publishedPolicyVersions = (state: PolicyState): readonly string[] | null =>
  state.versions.length === 0 ? null : state.versions.map((policy) => policy.version);
