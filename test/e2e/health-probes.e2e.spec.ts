import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLedgerApp } from '../../src/app.factory.js';
import { parseConfig } from '../../src/config/ledger-config.js';
import { subjectStreamId } from '../../src/domain/stream-id.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../../src/platform/sqlite/sqlite-file.js';
import { READ_STORE, type ReadStore } from '../../src/read-store/read-store.port.js';
import { mongoFor, newDataDir, removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { TEST_PROJECTOR_WORKER } from '../support/projector-worker.js';
import { eventually } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';

describe('health probes: GET /health/live and /health/ready', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  const start = async (dataDir = newDataDir()): Promise<RunningLedger> => {
    cleanup.push(async () => removeDataDir(dataDir));
    const ledger = await startLedger({ dataDir });
    cleanup.push(() => ledger.close());
    return ledger;
  };

  /** Polls readiness until its answer satisfies `done` (bounded), and returns that answer. */
  const readyAnswers = async (ledger: { get: RunningLedger['get'] }, done: (answer: HttpAnswer) => boolean): Promise<HttpAnswer> =>
    eventually(() => ledger.get('/health/ready'), done, 5000);
  const withStatus = (status: number) => (answer: HttpAnswer) => answer.status === status;

  it('answers live 200 while the process serves requests', async () => {
    const ledger = await start();
    const answer = await ledger.get('/health/live');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('answers ready 200 once both stores answer and every projection follows the log', async () => {
    const ledger = await start();
    expect((await ledger.post(`${subjectPath(newTenant(), newSubject())}/consents`, consentBody())).status).toBe(201);

    const answer = await readyAnswers(ledger, withStatus(200));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'ok',
      error: {},
      details: {
        eventStore: { status: 'up', lastPosition: 1 },
        readStore: { status: 'up' },
        projections: { status: 'up', count: (await ledger.get('/health')).body.projections.length },
      },
    });
  });

  it('answers ready 503 with the stopped projections when one has failed on an event, while live stays 200', async () => {
    // A consent-given without purposes in the log: the subject-status and subject-history
    // projections cannot apply it and stop there (projection-runner.int.spec.ts).
    const dataDir = newDataDir();
    const events = new SqliteEventStore(openSqliteFile(join(dataDir, 'events.sqlite')));
    const subjectId = newSubject();
    await events.append(
      subjectStreamId('acme', subjectId),
      [
        {
          id: randomUUID(),
          type: 'consent-given',
          occurredAt: '2026-01-01T00:00:00.000Z',
          recordedAt: '2026-01-01T00:00:00.000Z',
          data: { policyVersion: '1', channel: 'web' },
          metadata: { tenantId: 'acme', subjectId, actor: 'test', correlationId: 'c', causationId: 'c', idempotencyKey: null },
        },
      ],
      'no-stream',
    );
    await events.close();
    const ledger = await start(dataDir);

    // Not ready while the projections start, then for good once they have stopped on the event:
    // each of the two in its own time, so wait until both have.
    const failed = (answer: HttpAnswer) => {
      const notReady: { name: string; state: string }[] = answer.body.error?.projections?.notReady ?? [];
      const stopped = ['subject-status', 'subject-history'].every((name) => notReady.some((p) => p.name === name));
      return answer.status === 503 && stopped && notReady.every((p) => p.state === 'failed');
    };
    const answer = await readyAnswers(ledger, failed);
    expect(answer.status).toBe(503);
    // terminus' own body, not problem+json.
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toMatchObject({
      status: 'error',
      info: { eventStore: { status: 'up', lastPosition: 1 }, readStore: { status: 'up' } },
      error: { projections: { status: 'down' } },
    });
    const notReady = answer.body.error.projections.notReady as { name: string; state: string }[];
    expect(notReady).toEqual(
      expect.arrayContaining([
        { name: 'subject-status', state: 'failed' },
        { name: 'subject-history', state: 'failed' },
      ]),
    );
    // Only those: the others applied the event (or skip its type) and follow the log.
    expect(notReady.map((p) => p.name).sort()).toEqual(['subject-history', 'subject-status']);
    // A public probe: the failing event's error text stays on GET /health.
    expect(answer.text).not.toContain('purposes');

    expect((await ledger.get('/health/live')).status).toBe(200);
    expect((await ledger.get('/health')).status).toBe(503);
  });

  it('answers ready 503 naming the read store, without its error, once the read store is closed', async () => {
    const dataDir = newDataDir();
    cleanup.push(async () => removeDataDir(dataDir));
    const app: NestFastifyApplication = await createLedgerApp({
      projectorWorker: TEST_PROJECTOR_WORKER,
      config: parseConfig({ ...mongoFor(dataDir), LEDGER_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }),
      logger: false,
    });
    cleanup.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const get = async (path: string): Promise<HttpAnswer> => {
      const response = await fetch(`${url}${path}`);
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
    };
    expect((await readyAnswers({ get }, withStatus(200))).status).toBe(200);

    // Closed under the running app: every query of the adapter now fails (SQLite and MongoDB alike).
    await app.get<ReadStore>(READ_STORE).close();

    const answer = await get('/health/ready');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      status: 'error',
      info: { eventStore: { status: 'up' } },
      error: { readStore: { status: 'down', message: 'the read store did not answer' } },
    });
    // The adapter's own error (which may name hosts) is logged, not shown on this public probe.
    expect(Object.keys(answer.body.error.readStore).sort()).toEqual(['message', 'responseTime', 'status']);
    expect((await get('/health/live')).status).toBe(200);
  });
});
