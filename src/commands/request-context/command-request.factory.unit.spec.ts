import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FastifyRequest } from 'fastify';
import { uuidV7Generator } from '../../platform/ids.js';
import { masterKeyFrom } from '../../privacy/master-key.js';
import { CommandRequestFactory } from './command-request.factory.js';

const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };
const params = { tenantId: 'acme', subjectId: 'usr-1' };
const command = { type: 'request-erasure' } as const;

const aRequest = (body: unknown): FastifyRequest =>
  ({ headers: { 'idempotency-key': 'key-1' }, method: 'POST', url: '/v1/tenants/acme/subjects/usr-1/consents?x=1', body }) as unknown as FastifyRequest;

const fingerprintOf = (factory: CommandRequestFactory, body: unknown): string | undefined =>
  factory.build(params, aRequest(body), command, undefined).idempotency?.fingerprint;

describe('the idempotency fingerprint', () => {
  const body = { purposes: ['crm-access'], evidence: { contact: 'asha@example.com', ipAddress: '203.0.113.7' } };

  it('is the same for the same request, whatever the key order, and differs for another body', () => {
    const factory = new CommandRequestFactory(clock, uuidV7Generator, masterKeyFrom(randomBytes(32), 'test'));
    const reordered = { evidence: { ipAddress: '203.0.113.7', contact: 'asha@example.com' }, purposes: ['crm-access'] };
    expect(fingerprintOf(factory, reordered)).toBe(fingerprintOf(factory, body));
    expect(fingerprintOf(factory, { ...body, evidence: { contact: 'ravi@example.com' } })).not.toBe(fingerprintOf(factory, body));
  });

  it('is keyed by the master key: not a bare hash anyone could recompute from a guessed e-mail address', () => {
    const factory = new CommandRequestFactory(clock, uuidV7Generator, masterKeyFrom(randomBytes(32), 'test'));
    const other = new CommandRequestFactory(clock, uuidV7Generator, masterKeyFrom(randomBytes(32), 'other'));
    const bare = createHash('sha256')
      .update(canonicalize({ method: 'POST', path: '/v1/tenants/acme/subjects/usr-1/consents', body }) ?? '')
      .digest('hex');
    expect(fingerprintOf(factory, body)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(factory, body)).not.toBe(bare);
    expect(fingerprintOf(other, body)).not.toBe(fingerprintOf(factory, body));
  });
});
