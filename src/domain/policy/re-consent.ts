/**
 * Domain rule 6: after a material policy change, those who consented under an older
 * version must consent again. "Older" is decided here, once, for every reader:
 *
 * - the baseline is the latest MATERIAL version by `effectiveFrom` (on a tie, the one
 *   published last);
 * - the current versions are every published version whose `effectiveFrom` is at or after
 *   the baseline's (so a non-material fix published after it needs no re-consent);
 * - a granted purpose rests on an older version when its `policyVersion` is not one of the
 *   current versions. A version label never published (consent recorded before the tenant
 *   published policies) is therefore older too.
 *
 * The clock plays no part: a material version whose `effectiveFrom` is still ahead already
 * sets the baseline, so people can be asked before it takes effect.
 */

export interface PolicyVersionTiming {
  readonly version: string;
  readonly effectiveFrom: string;
  readonly material: boolean;
}

export interface ReConsentBaseline {
  /** The latest material version by effectiveFrom. */
  readonly materialVersion: string;
  readonly effectiveFrom: string;
  /** Versions a grant may rest on without needing re-consent. */
  readonly currentVersions: readonly string[];
}

/** `policies` in publication order; null when no material version was ever published. */
export const reConsentBaseline = (policies: readonly PolicyVersionTiming[]): ReConsentBaseline | null => {
  let material: PolicyVersionTiming | undefined;
  for (const policy of policies) {
    if (policy.material && (material === undefined || Date.parse(policy.effectiveFrom) >= Date.parse(material.effectiveFrom))) {
      material = policy;
    }
  }
  if (material === undefined) return null;
  const since = Date.parse(material.effectiveFrom);
  return {
    materialVersion: material.version,
    effectiveFrom: material.effectiveFrom,
    currentVersions: policies.filter((policy) => Date.parse(policy.effectiveFrom) >= since).map((policy) => policy.version),
  };
};

export const needsReConsent = (policyVersion: string, baseline: ReConsentBaseline): boolean =>
  !baseline.currentVersions.includes(policyVersion);
