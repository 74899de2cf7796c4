import type { PolicyEvent } from '../domain/policy/policy.events.js';
import { isPolicyEventType } from '../domain/policy/policy.events.js';
import { foldPolicy, type PolicyState } from '../domain/policy/policy.state.js';
import { policyStreamId } from '../domain/stream-id.js';
import type { EventStore, StoredEvent } from './event-store.port.js';

/** The policy facts of a stream's events, typed as the domain defines them. */
export const policyEventsOf = (events: readonly StoredEvent[]): PolicyEvent[] =>
  events
    .filter((event) => isPolicyEventType(event.type))
    .map((event) => ({ type: event.type, occurredAt: event.occurredAt, data: event.data }) as unknown as PolicyEvent);

/** What a tenant has published, from its policy stream (small: publications only). */
export const readPolicyState = async (store: EventStore, tenantId: string): Promise<PolicyState> =>
  foldPolicy(policyEventsOf(await store.readStream(policyStreamId(tenantId))));
