/**
 * Facts about a tenant's privacy policy: a version published, and a notice of it sent.
 * Ids and values here are part of the public API (docs/events.md): add, never rename.
 */

/** A policy version label: 1-64 characters, as used in URLs (`/policies/{version}`). */
export const POLICY_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** How a policy change is announced (domain.md rule 6: e-mail and/or a pop-up). */
export const NOTICE_CHANNELS = ['email', 'pop-up'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** Who a notice went to: the tenant's primary admin, or one data subject. */
export const NOTICE_AUDIENCES = ['primary-admin', 'subject'] as const;
export type NoticeAudience = (typeof NOTICE_AUDIENCES)[number];

interface Fact<Type extends string, Data> {
  readonly type: Type;
  readonly occurredAt: string;
  readonly data: Data;
}

export type PolicyPublished = Fact<
  'policy-published',
  {
    readonly version: string;
    /** When the text governs consent (ISO-8601 UTC); may be before or after publication. */
    readonly effectiveFrom: string;
    /** A material change: those who consented under an older version must re-consent. */
    readonly material: boolean;
    /** Where the text is published (https). */
    readonly url: string;
    /** SHA-256 of the text as published, lower-case hex: pins the exact words. */
    readonly textSha256: string;
  }
>;

export type PolicyNoticeSent = Fact<
  'policy-notice-sent',
  {
    readonly version: string;
    readonly channel: NoticeChannel;
    readonly audience: NoticeAudience;
    /** Present exactly when `audience` is `subject`. */
    readonly subjectId?: string;
    readonly sentAt: string;
  }
>;

export type PolicyEvent = PolicyPublished | PolicyNoticeSent;
export type PolicyEventType = PolicyEvent['type'];

export const POLICY_EVENT_TYPES: readonly PolicyEventType[] = ['policy-published', 'policy-notice-sent'];

export const isPolicyEventType = (type: string): type is PolicyEventType => (POLICY_EVENT_TYPES as readonly string[]).includes(type);
