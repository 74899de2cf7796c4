import { POLICY_EVENT_TYPES } from '../policy/policy.events.js';
import { SUBJECT_EVENT_TYPES } from '../subject/subject.events.js';

/**
 * The event types a subscription may ask for: the facts about subjects and policies. The
 * subscription events themselves are left out (they carry sealed secrets and concern the
 * ledger's own wiring, not what downstream systems act on).
 */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [...SUBJECT_EVENT_TYPES, ...POLICY_EVENT_TYPES];

export const isWebhookEventType = (type: string): boolean => WEBHOOK_EVENT_TYPES.includes(type);
