import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { ConfirmationTokenRequest } from '../confirmation-tokens/confirmation-token.port.js';
import { redactedEvent, webhookPayload } from './webhook-payload.js';

const stored = (type: string, data: Record<string, unknown>): StoredEvent => ({
  id: 'e1',
  type,
  streamId: 'subject-acme/s1',
  streamPosition: 3,
  globalPosition: 42,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:01.000Z',
  data,
  metadata: { tenantId: 'acme', subjectId: 's1', actor: 'crm', correlationId: 'c1', causationId: 'k1', idempotencyKey: null, hash: 'h' },
});

describe('the webhook payload', () => {
  it('is the exported event without the personal fields', () => {
    const event = stored('consent-given', {
      purposes: ['crm-access'],
      policyVersion: '2026-01',
      evidence: { ipAddress: 'enc:v1:aaa', userAgent: 'enc:v1:bbb', contact: 'enc:v1:ccc' },
    });
    expect(redactedEvent(event)).toEqual({
      id: 'e1',
      type: 'consent-given',
      streamId: 'subject-acme/s1',
      streamPosition: 3,
      globalPosition: 42,
      occurredAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-01T00:00:01.000Z',
      data: { purposes: ['crm-access'], policyVersion: '2026-01' },
      metadata: { tenantId: 'acme', subjectId: 's1', actor: 'crm', correlationId: 'c1', causationId: 'k1', idempotencyKey: null },
    });
  });

  it('leaves out reasons and references', () => {
    expect(redactedEvent(stored('consent-withdrawn', { purposes: ['x'], reason: 'enc:v1:r' })).data).toEqual({ purposes: ['x'] });
    expect(redactedEvent(stored('data-transferred', { transferId: 't', reference: 'enc:v1:r' })).data).toEqual({ transferId: 't' });
  });

  const deletion = stored('deletion-requested', {
    deletionId: 'd1',
    requestedAt: '2026-01-01T00:00:00.000Z',
    dueAt: '2026-01-31T00:00:00.000Z',
    systems: ['crm', 'analytics', 'backups'],
    reason: 'enc:v1:r',
  });

  it('gives a deletion-requested one task per bound system the erasure waits for, with a token from the issuer', async () => {
    const asked: ConfirmationTokenRequest[] = [];
    const issuer = {
      issue: (request: ConfirmationTokenRequest) => {
        asked.push(request);
        return Promise.resolve(`tok-${request.system}`);
      },
    };
    const body = JSON.parse(
      await webhookPayload(deletion, { erasureSystems: ['crm', 'backups', 'call-recordings'], recipientIds: [] }, issuer),
    );
    expect(body).toMatchObject({ type: 'deletion-requested', timestamp: '2026-01-01T00:00:01.000Z' });
    expect(body.data.data).not.toHaveProperty('reason');
    expect(body.data.tasks).toEqual([
      { system: 'crm', deletionId: 'd1', dueAt: '2026-01-31T00:00:00.000Z', confirmationToken: 'tok-crm' },
      { system: 'backups', deletionId: 'd1', dueAt: '2026-01-31T00:00:00.000Z', confirmationToken: 'tok-backups' },
    ]);
    expect(asked.map((r) => [r.tenantId, r.subjectId, r.deletionId, r.system])).toEqual([
      ['acme', 's1', 'd1', 'crm'],
      ['acme', 's1', 'd1', 'backups'],
    ]);
    expect(Date.parse(asked[0]!.expiresAt)).toBeGreaterThan(Date.parse('2026-01-31T00:00:00.000Z'));
  });

  const noTokens = { issue: () => Promise.reject(new Error('no token may be issued for an unbound subscription')) };

  it('sends no tasks, and issues no token, to a subscription bound to no erasure system', async () => {
    const unbound = JSON.parse(await webhookPayload(deletion, { erasureSystems: [], recipientIds: [] }, noTokens));
    expect(unbound.data).not.toHaveProperty('tasks');
  });

  const notice = stored('recipient-notification-required', {
    notificationId: 'd1',
    cause: 'erasure',
    deletionId: 'd1',
    dueAt: '2026-01-31T00:00:00.000Z',
    recipients: [
      { id: 'aws', name: 'AWS', kind: 'cloud-host', dataCategories: ['contact'], purposes: ['crm-access'], transferIds: ['t1'] },
      { id: 'mailer', name: 'Mailer', kind: 'processor', dataCategories: ['contact'], purposes: ['marketing'], transferIds: ['t2'] },
    ],
  });

  it("lists only a recipient's own entry in the notice sent to its subscription, and every entry to an unbound one", async () => {
    const toAws = JSON.parse(await webhookPayload(notice, { erasureSystems: [], recipientIds: ['aws'] }, noTokens));
    expect(toAws.data.data.recipients.map((r: { id: string }) => r.id)).toEqual(['aws']);
    expect(toAws.data.data.deletionId).toBe('d1');
    const toAll = JSON.parse(await webhookPayload(notice, { erasureSystems: [], recipientIds: [] }, noTokens));
    expect(toAll.data.data.recipients.map((r: { id: string }) => r.id)).toEqual(['aws', 'mailer']);
  });
});
