import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { aSubjectStream } from '../../../test/support/stored-events.js';
import { policyNoticesProjection } from './policy-notices.projection.js';
import { policyRegisterProjection, policyVersionKey } from './policy-register.projection.js';

/** Policy events as the store hands them over (on any stream: the projections read type and data). */
const aPolicyLog = () => {
  const stream = aSubjectStream();
  const published = (version: string, material = true) =>
    stream.otherEvent('policy-published', {
      version,
      effectiveFrom: '2026-05-01T00:00:00.000Z',
      material,
      url: `https://example.com/${version}`,
      textSha256: 'a'.repeat(64),
    });
  const noticeSent = (version: string, channel: 'email' | 'pop-up', subjectId?: string) =>
    stream.otherEvent('policy-notice-sent', {
      version,
      channel,
      audience: subjectId === undefined ? 'primary-admin' : 'subject',
      ...(subjectId !== undefined && { subjectId }),
      sentAt: '2026-04-02T00:00:00.000Z',
    });
  return { tenantId: stream.tenantId, published, noticeSent, other: () => stream.consentGiven() };
};

describe('policy-register projection', () => {
  it('keeps one document per tenant and version with the publication and the notices by channel and audience', () => {
    const log = aPolicyLog();
    const publication = log.published('v1');
    const adminEmail = log.noticeSent('v1', 'email');
    const events = [
      publication,
      adminEmail,
      log.noticeSent('v1', 'pop-up', 's-1'),
      log.noticeSent('v1', 'pop-up', 's-2'),
      log.noticeSent('v1', 'email', 's-3'),
    ];
    expect(events.map((e) => policyRegisterProjection.documentId(e))).toEqual(events.map(() => policyVersionKey(log.tenantId, 'v1')));
    const { _id, _position, ...document } = documentAfter(policyRegisterProjection, events)!;
    expect(document).toEqual({
      tenantId: log.tenantId,
      version: 'v1',
      effectiveFrom: '2026-05-01T00:00:00.000Z',
      material: true,
      url: 'https://example.com/v1',
      textSha256: 'a'.repeat(64),
      publishedAt: publication.occurredAt,
      recordedAt: publication.recordedAt,
      eventId: publication.id,
      globalPosition: publication.globalPosition,
      primaryAdminNotices: [
        { channel: 'email', sentAt: '2026-04-02T00:00:00.000Z', recordedAt: adminEmail.recordedAt, eventId: adminEmail.id },
      ],
      primaryAdminNoticeCounts: { email: 1, 'pop-up': 0 },
      subjectNoticeCounts: { email: 1, 'pop-up': 2 },
    });
  });

  it('never takes a second publication of a version over the first', () => {
    const log = aPolicyLog();
    const first = log.published('v1', true);
    const document = documentAfter(policyRegisterProjection, [first]);
    expect(policyRegisterProjection.evolve(document, log.published('v1', false))).toBeNull();
  });

  it('keys tenant and version so that neither can forge the other', () => {
    expect(policyVersionKey('a/b', 'c')).not.toBe(policyVersionKey('a', 'b/c'));
  });

  it('touches nothing for other events', () => {
    const event = aPolicyLog().other();
    expect(policyRegisterProjection.documentId(event)).toBeNull();
    expect(policyRegisterProjection.evolve(null, event)).toBeNull();
  });
});

describe('policy-notices projection', () => {
  it('keeps one document per notice, keyed by its event, with the subject or null for the admin', () => {
    const log = aPolicyLog();
    const toSubject = log.noticeSent('v1', 'pop-up', 's-9');
    const toAdmin = log.noticeSent('v1', 'email');
    expect(policyNoticesProjection.documentId(toSubject)).toBe(toSubject.id);
    expect(policyNoticesProjection.evolve(null, toSubject)).toEqual({
      tenantId: log.tenantId,
      version: 'v1',
      eventId: toSubject.id,
      channel: 'pop-up',
      audience: 'subject',
      subjectId: 's-9',
      sentAt: '2026-04-02T00:00:00.000Z',
      recordedAt: toSubject.recordedAt,
      globalPosition: toSubject.globalPosition,
    });
    expect(policyNoticesProjection.evolve(null, toAdmin)?.subjectId).toBeNull();
    const stored = documentAfter(policyNoticesProjection, [toAdmin]);
    expect(policyNoticesProjection.evolve(stored, toAdmin)).toBeNull();
  });

  it('touches nothing for a publication or a subject event', () => {
    const log = aPolicyLog();
    for (const event of [log.published('v1'), log.other()]) {
      expect(policyNoticesProjection.documentId(event)).toBeNull();
      expect(policyNoticesProjection.evolve(null, event)).toBeNull();
    }
  });
});
