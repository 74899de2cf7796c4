import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createLedgerClient,
  isLedgerProblem,
  LedgerProblem,
  positionAfter,
  type FetchRequest,
  type LedgerClientOptions,
  type ProblemCode,
  type SubjectRef,
} from '../../clients/typescript/src/index.js';
import { E2E_ADMIN_KEY, startLedger, type RunningLedger } from '../support/ledger-app.js';

// The typed client of clients/typescript against the real ledger: every call below goes through
// the client (its commands, its reads, or its typed `api`), never through a hand-written request.

let ledger: RunningLedger;

beforeAll(async () => {
  ledger = await startLedger({ env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
});

afterAll(async () => {
  await ledger.close();
});

const clientOf = (options: Partial<LedgerClientOptions> = {}) =>
  createLedgerClient({ baseUrl: ledger.url, apiKey: E2E_ADMIN_KEY, actor: 'typed-client-e2e', ...options });

const newSubject = (): SubjectRef => ({ tenantId: 'acme-telecom', subjectId: `usr_${randomUUID()}` });

const CONSENT = { purposes: ['call-analytics', 'crm-access'], policyVersion: '2024-06', channel: 'web', subjectType: 'end-user' } as const;

const TRANSFER = {
  recipient: { id: 'aws-ap-southeast-1', name: 'Amazon Web Services, Singapore region', kind: 'cloud-host' },
  country: 'SG',
  dataCategories: ['pii.name', 'pii.call-records'],
  purpose: 'call-analytics',
  legalBasis: 'consent',
} as const;

/** The error a call rejects with (fails the test when it resolves). */
const rejectionOf = async (call: Promise<unknown>): Promise<unknown> => {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call was expected to fail');
};

/** A problem+json 503 as the ledger gives one, with the Retry-After given. */
const unavailable = (retryAfter: string): Response =>
  new Response(
    JSON.stringify({
      type: 'urn:privacy-ledger:problem:store-unavailable',
      title: 'Store unavailable',
      status: 503,
      detail: 'The event store did not answer.',
      code: 'store-unavailable',
    }),
    { status: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': retryAfter } },
  );

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly idempotencyKey: string | null;
}

describe('a calling service using the typed client', () => {
  it('records consent and a transfer, and reads both back at the position the answer gives', async () => {
    const ledgerClient = clientOf();
    const subject = newSubject();

    const consent = await ledgerClient.giveConsent(subject, { ...CONSENT, purposes: [...CONSENT.purposes] });
    expect(consent.subjectId).toBe(subject.subjectId);
    expect(consent.events.map((e) => e.type)).toEqual(['consent-given']);

    const transfer = await ledgerClient.recordTransfer(subject, { ...TRANSFER, dataCategories: [...TRANSFER.dataCategories] });
    expect(transfer.events.map((e) => e.type)).toEqual(['data-transferred']);
    expect(positionAfter(transfer)).toBeGreaterThan(positionAfter(consent)!);

    const status = await ledgerClient.subjectStatus(subject, { atLeast: transfer });
    expect(status.purposes['call-analytics']).toMatchObject({ status: 'granted', policyVersion: '2024-06' });
    expect(status.purposes['crm-access']).toMatchObject({ status: 'granted' });
    expect(status.erasure.state).toBe('none');

    const history = await ledgerClient.subjectHistory(subject, { atLeast: positionAfter(transfer)! });
    expect(history.entries.map((entry) => entry.type)).toEqual(['consent-given', 'data-transferred']);
  });

  it('withdraws every purpose, which opens an erasure that completes when each system confirms', async () => {
    const ledgerClient = clientOf();
    const subject = newSubject();
    await ledgerClient.giveConsent(subject, { ...CONSENT, purposes: [...CONSENT.purposes] });

    const withdrawal = await ledgerClient.withdrawConsent(subject, { channel: 'mobile-app', reason: 'closed the account' });
    expect(withdrawal.events.map((e) => e.type)).toEqual(['consent-withdrawn', 'deletion-requested']);
    const open = await ledgerClient.subjectStatus(subject, { atLeast: withdrawal });
    expect(open.purposes['call-analytics']).toMatchObject({ status: 'withdrawn' });
    expect(open.erasure).toMatchObject({ state: 'open' });
    expect([...open.erasure.pendingSystems].sort()).toEqual(['backups', 'crm']);

    const crm = await ledgerClient.confirmErasure(subject, { system: 'crm', evidence: 'CRM purge job 4411' });
    expect(crm.events.map((e) => e.type)).toEqual(['deletion-completed']);
    const last = await ledgerClient.confirmErasure(subject, { system: 'backups' });
    expect(last.events.map((e) => e.type)).toEqual(['deletion-completed', 'subject-data-shredded']);

    const done = await ledgerClient.subjectStatus(subject, { atLeast: last });
    expect(done.erasure).toMatchObject({ state: 'completed', pendingSystems: [] });
    const history = await ledgerClient.subjectHistory(subject, { atLeast: last });
    expect(history.entries.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['consent-given', 'consent-withdrawn', 'deletion-requested', 'deletion-completed']),
    );
  });

  it('requests an erasure directly, and a second request is refused with erasure-already-open', async () => {
    const ledgerClient = clientOf();
    const subject = newSubject();
    await ledgerClient.giveConsent(subject, { ...CONSENT, purposes: [...CONSENT.purposes] });

    const request = await ledgerClient.requestErasure(subject, { reason: 'ticket GRV-2291' });
    expect(request.events.map((e) => e.type)).toEqual(['deletion-requested']);
    const again = await rejectionOf(ledgerClient.requestErasure(subject));
    expect(isLedgerProblem(again, 'erasure-already-open')).toBe(true);
    expect((again as LedgerProblem).status).toBe(409);

    const status = await ledgerClient.subjectStatus(subject, { atLeast: request });
    expect(status.erasure).toMatchObject({ state: 'open' });
  });

  describe('when the ledger refuses', () => {
    it('rejects with a LedgerProblem whose code is typed, and writes nothing', async () => {
      const ledgerClient = clientOf();
      const subject = newSubject();
      const consent = await ledgerClient.giveConsent(subject, { ...CONSENT, purposes: ['crm-access'] });

      const refusal = await rejectionOf(
        ledgerClient.recordTransfer(subject, { ...TRANSFER, dataCategories: [...TRANSFER.dataCategories] }),
      );
      expect(refusal).toBeInstanceOf(LedgerProblem);
      const problem = refusal as LedgerProblem;
      // Compiles only because the code is one of the generated ProblemCode union.
      const expected: ProblemCode = 'consent-not-active';
      expect(problem.code).toBe(expected);
      expect(problem.status).toBe(409);
      expect(problem.is('consent-not-active', 'subject-erased')).toBe(true);
      expect(problem.is('erasure-already-open')).toBe(false);

      const history = await ledgerClient.subjectHistory(subject, { atLeast: consent });
      expect(history.entries.map((entry) => entry.type)).toEqual(['consent-given']);
    });

    it('names each refused field of a validation-failed problem', async () => {
      const problem = await rejectionOf(
        // A purpose outside the catalogue, as a caller not using TypeScript's checks could send it.
        clientOf().giveConsent(newSubject(), { ...CONSENT, purposes: ['telepathy' as 'crm-access'] }),
      );
      expect(isLedgerProblem(problem, 'validation-failed')).toBe(true);
      expect((problem as LedgerProblem).errors.map((e) => e.field)).toContain('purposes');
    });

    it('rejects a read of an unknown subject with not-found', async () => {
      const problem = await rejectionOf(clientOf().subjectStatus(newSubject()));
      expect(isLedgerProblem(problem, 'not-found')).toBe(true);
    });
  });

  describe('when the ledger answers 503 with Retry-After', () => {
    it('sends the same command again, with the same Idempotency-Key, after Retry-After, and it is written once', async () => {
      const subject = newSubject();
      await clientOf().giveConsent(subject, { ...CONSENT, purposes: [...CONSENT.purposes] });

      // The first transfer reaches the ledger, which writes it; its answer is lost on the way
      // back and a 503 with Retry-After: 1 arrives instead, as from a proxy in between.
      const sent: Sent[] = [];
      let lostAnswer: unknown;
      const flaky: FetchRequest = async (request) => {
        sent.push({ method: request.method, path: new URL(request.url).pathname, idempotencyKey: request.headers.get('idempotency-key') });
        const answer = await fetch(request);
        if (request.method === 'POST' && lostAnswer === undefined) {
          lostAnswer = await answer.json();
          return unavailable('1');
        }
        return answer;
      };
      const ledgerClient = clientOf({ fetch: flaky });

      const started = Date.now();
      const transfer = await ledgerClient.recordTransfer(subject, { ...TRANSFER, dataCategories: [...TRANSFER.dataCategories] });
      const elapsed = Date.now() - started;

      const posts = sent.filter((s) => s.method === 'POST');
      expect(posts).toHaveLength(2);
      expect(posts[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(posts[1]!.idempotencyKey).toBe(posts[0]!.idempotencyKey);
      expect(elapsed).toBeGreaterThanOrEqual(950);
      // The retry got the first answer again: the same event, not a second one.
      expect(transfer).toEqual(lostAnswer);
      const history = await ledgerClient.subjectHistory(subject, { atLeast: transfer });
      expect(history.entries.filter((entry) => entry.type === 'data-transferred')).toHaveLength(1);

      // The next logical command has a key of its own.
      await ledgerClient.recordTransfer(subject, { ...TRANSFER, dataCategories: ['pii.name'] });
      const next = sent.filter((s) => s.method === 'POST')[2]!;
      expect(next.idempotencyKey).not.toBe(posts[0]!.idempotencyKey);
    });

    it('gives up after the bounded number of tries with the last problem', async () => {
      const sent: Sent[] = [];
      const down: FetchRequest = async (request) => {
        sent.push({ method: request.method, path: new URL(request.url).pathname, idempotencyKey: request.headers.get('idempotency-key') });
        return unavailable('0');
      };
      const problem = await rejectionOf(
        clientOf({ fetch: down, retry: { attempts: 3 } }).requestErasure(newSubject(), { reason: 'ledger down' }),
      );
      expect(isLedgerProblem(problem, 'store-unavailable')).toBe(true);
      expect(sent).toHaveLength(3);
      expect(new Set(sent.map((s) => s.idempotencyKey)).size).toBe(1);
    });

    it('does not wait for a Retry-After beyond its limit, and answers the problem at once', async () => {
      let tries = 0;
      const down: FetchRequest = async () => {
        tries++;
        return unavailable('3600');
      };
      const started = Date.now();
      const problem = await rejectionOf(clientOf({ fetch: down, retry: { maxDelayMs: 5_000 } }).subjectStatus(newSubject()));
      expect(isLedgerProblem(problem, 'store-unavailable')).toBe(true);
      expect(tries).toBe(1);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('does not repeat a command sent without an Idempotency-Key through the raw api', async () => {
      let tries = 0;
      const down: FetchRequest = async () => {
        tries++;
        return unavailable('0');
      };
      const subject = newSubject();
      const { error, response } = await clientOf({ fetch: down }).api.POST(
        '/v1/tenants/{tenantId}/subjects/{subjectId}/deletion-requests',
        {
          params: { path: subject },
          body: {},
        },
      );
      expect(response.status).toBe(503);
      expect(error).toMatchObject({ code: 'store-unavailable' });
      expect(tries).toBe(1);
    });
  });
});
