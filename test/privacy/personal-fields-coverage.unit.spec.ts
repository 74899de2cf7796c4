import { describe, expect, it } from '@jest/globals';
import { domainEvents } from '../support/domain-event-fields.js';
import { personalFieldList, personalPaths } from '../../src/domain/subject/subject.personal-fields.js';

/**
 * Every field of every event's `data` that is NOT personal, with the reason it may stay in
 * clear. Together with the personal-field map (src/domain/subject/subject.personal-fields.ts) this must
 * cover every field the domain declares: a new field fails this test until someone decides
 * which list it belongs to. Free text, contact data and network identifiers are personal.
 */
const NOT_PERSONAL: Readonly<Record<string, readonly string[]>> = {
  // catalogue ids, a policy label, a channel: the rules and read models need them
  'consent-given': ['purposes', 'policyVersion', 'channel', 'subjectType'],
  'consent-withdrawn': ['purposes', 'channel'],
  // ids, recipient (a company, not a person), country, catalogue ids
  'data-transferred': [
    'transferId',
    'recipient.id',
    'recipient.name',
    'recipient.kind',
    'country',
    'dataCategories',
    'purpose',
    'legalBasis',
  ],
  'deletion-requested': ['deletionId', 'requestedAt', 'dueAt', 'systems', 'trigger'],
  'deletion-completed': ['deletionId', 'system', 'completedAt', 'remainingSystems'],
  // which system's task reached it, when, through which subscription (an id of ours)
  'erasure-task-delivered': ['deletionId', 'system', 'deliveredAt', 'subscriptionId'],
  'grievance-lodged': ['grievanceId', 'category', 'channel', 'receivedAt', 'dueAt'],
  'grievance-resolved': ['grievanceId', 'outcome', 'resolvedAt', 'dueAt', 'resolvedOnTime'],
  // ids, catalogue values, times, and recipients (companies, not the subject)
  'recipient-notification-required': ['notificationId', 'cause', 'deletionId', 'withdrawnPurposes', 'dueAt', 'recipients'],
  'recipient-notified': ['notificationId', 'recipientId', 'cause', 'deletionId', 'channel', 'notifiedAt'],
  // names the shredded fields as type/path, never their values
  'subject-data-shredded': ['deletionId', 'shreddedAt', 'fields'],
  // facts about the tenant's policy; subjectId is the opaque id also in metadata
  'policy-published': ['version', 'effectiveFrom', 'material', 'url', 'textSha256'],
  'policy-notice-sent': ['version', 'channel', 'audience', 'subjectId', 'sentAt'],
  // a tenant's webhook wiring, about no person: its endpoint, what it asked for, its own
  // description of the integration, and the signing secret sealed under the master key
  'subscription-created': [
    'subscriptionId',
    'url',
    'eventTypes',
    'description',
    'erasureSystems',
    'recipientIds',
    'paused',
    'secretId',
    'sealedSecret',
  ],
  'subscription-changed': ['subscriptionId', 'url', 'eventTypes', 'description', 'erasureSystems', 'recipientIds', 'paused'],
  'subscription-deleted': ['subscriptionId'],
  'subscription-secret-rotated': ['subscriptionId', 'secretId', 'sealedSecret', 'previousSecretsExpireAt'],
};

describe('the personal-field map covers every event field', () => {
  const events = domainEvents();

  it.each(events.map((e) => [e.type, e] as const))('every data field of %s is either personal or declared not personal', (type, event) => {
    const personal = personalPaths(type);
    const clear = NOT_PERSONAL[type] ?? [];
    const unclassified = event.fields.filter(
      (field) => !personal.some((path) => field === path || field.startsWith(`${path}.`)) && !clear.includes(field),
    );
    expect(unclassified).toEqual([]);
    expect(personal.filter((path) => clear.includes(path))).toEqual([]);
  });

  it('names only fields that exist: a renamed or removed field is not silently left in clear', () => {
    const fields = new Set(events.flatMap((e) => e.fields.map((field) => `${e.type}/${field}`)));
    const prefixes = new Set(
      events.flatMap((e) =>
        e.fields.flatMap((field) => field.split('.').map((_, i, parts) => `${e.type}/${parts.slice(0, i + 1).join('.')}`)),
      ),
    );
    expect(personalFieldList().filter((entry) => !prefixes.has(entry))).toEqual([]);
    const stale = Object.entries(NOT_PERSONAL)
      .flatMap(([type, list]) => list.map((field) => `${type}/${field}`))
      .filter((entry) => !fields.has(entry));
    expect(stale).toEqual([]);
  });
});
