import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { NoConfirmationTokens, type ConfirmationTokenRequest } from './confirmation-token-issuer.js';
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
    const body = JSON.parse(await webhookPayload(deletion, ['crm', 'backups', 'call-recordings'], issuer));
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

  it('sends the tasks without tokens while no issuer is connected, and no tasks to an unbound subscription', async () => {
    const unwired = JSON.parse(await webhookPayload(deletion, ['crm'], new NoConfirmationTokens()));
    expect(unwired.data.tasks).toEqual([{ system: 'crm', deletionId: 'd1', dueAt: '2026-01-31T00:00:00.000Z' }]);
    const unbound = JSON.parse(await webhookPayload(deletion, [], new NoConfirmationTokens()));
    expect(unbound.data).not.toHaveProperty('tasks');
  });
});
