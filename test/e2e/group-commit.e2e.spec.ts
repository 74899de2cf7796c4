import { afterEach, describe, expect, it } from '@jest/globals';
import { EVENT_STORE } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';

describe('group commit through HTTP', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  }, 60_000);

  it('acknowledges 200 concurrent commands on distinct subjects, all in the log, in fewer commits than commands', async () => {
    let store: unknown;
    const ledger: RunningLedger = await startLedger({
      beforeListen: (app) => {
        store = app.get(EVENT_STORE);
      },
    });
    cleanup.push(async () => {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });
    // The embedded store's own count of COMMITs: the test seam that makes batching observable.
    if (!(store instanceof SqliteEventStore)) throw new Error('this test needs the embedded event store');
    const events = store;
    const tenant = newTenant();
    const subjects = Array.from({ length: 200 }, newSubject);
    // Open the client's 200 connections first, so that the commands are sent together rather
    // than one by one as each connection's handshake completes.
    await Promise.all(subjects.map(() => ledger.get('/health/live')));
    const before = events.commitStats;

    const answers = await Promise.all(
      subjects.map((subject) =>
        ledger.post(`${subjectPath(tenant, subject)}/consents`, consentBody(), { 'idempotency-key': `consent-${subject}` }),
      ),
    );

    const after = events.commitStats;
    expect(answers.map((answer) => answer.status)).toEqual(Array(200).fill(201));
    const acknowledged = answers.flatMap((answer) => answer.body.events.map((event: { id: string }) => event.id));
    expect(acknowledged).toHaveLength(200);
    const logged = (await ledger.auditEvents(`?tenantId=${tenant}`)).map((event) => event.id);
    expect([...logged].sort()).toEqual([...acknowledged].sort());
    expect(after.writes - before.writes).toBe(200);
    const commits = after.commits - before.commits;
    // Observed here: 2 commits (199 + 1) with the connections open beforehand; without that
    // warm-up, 198 (the requests then trickle in as each handshake completes). One transaction
    // per append would be 200.
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(200);
    expect(after.largestBatch).toBeGreaterThan(1);

    // Each answer was remembered (its idempotency record committed before the answer): a retry
    // gets the same answer and writes nothing.
    const retried = await ledger.post(`${subjectPath(tenant, subjects[7]!)}/consents`, consentBody(), {
      'idempotency-key': `consent-${subjects[7]!}`,
    });
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(answers[7]!.body);
    expect(events.commitStats.writes).toBe(after.writes);
    // 200 connections and 600 synchronous commits on a shared 2-core machine: minutes at worst.
  }, 120_000);
});
