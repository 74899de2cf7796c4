import type { NoticeAudience, NoticeChannel } from './policy.events.js';

export interface PublishPolicy {
  readonly type: 'publish-policy';
  readonly version: string;
  /** Normalised to ISO-8601 UTC by the caller. */
  readonly effectiveFrom: string;
  readonly material: boolean;
  readonly url: string;
  readonly textSha256: string;
}

export interface SendPolicyNotice {
  readonly type: 'send-policy-notice';
  readonly version: string;
  readonly channel: NoticeChannel;
  readonly audience: NoticeAudience;
  /** Required exactly when `audience` is `subject` (checked by the DTO). */
  readonly subjectId?: string;
}

export type PolicyCommand = PublishPolicy | SendPolicyNotice;

/** Everything impure a policy decision needs: the time the fact happened (a send: when it was sent). */
export interface PolicyDecisionContext {
  readonly occurredAt: string;
}
