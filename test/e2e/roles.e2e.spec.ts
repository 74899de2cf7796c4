import { afterEach, describe, expect, it } from '@jest/globals';
import type { Worker } from 'node:worker_threads';
import { PROJECTIONS } from '../../src/app.projections.js';
import { ProjectionProgress } from '../../src/projections/projection-progress.js';
import { ProjectorWorkerHost } from '../../src/projections/worker/projector-worker-host.js';
import { newDataDir, removeDataDir, startLedger, type RunningLedger, type StartOptions } from '../support/ledger-app.js';
import { parseMetrics, valueOf } from '../support/prometheus.js';
import { caughtUp, eventually, lastPosition, type HealthAnswer } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';

const NAMES = PROJECTIONS.map((p) => p.name);

describe('LEDGER_ROLE: what a process runs', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  const dataDir = (): string => {
    const dir = newDataDir();
    cleanup.push(() => removeDataDir(dir));
    return dir;
  };
  const start = async (options: StartOptions): Promise<RunningLedger> => {
    const ledger = await startLedger(options);
    cleanup.push(() => ledger.close());
    return ledger;
  };
  const health = async (ledger: RunningLedger): Promise<{ status: number; body: HealthAnswer }> => {
    const answer = await ledger.get('/health');
    return { status: answer.status, body: answer.body as HealthAnswer };
  };
  const consent = async (ledger: RunningLedger, tenant = newTenant(), subject = newSubject()) => {
    const answer = await ledger.post(`${subjectPath(tenant, subject)}/consents`, consentBody());
    expect(answer.status).toBe(201);
    return { path: subjectPath(tenant, subject), position: lastPosition(answer) };
  };

  describe('all (the default), on the embedded stores', () => {
    it('applies the projections in the projector worker and reports their positions, so ?atLeast= reads its writes', async () => {
      let progress: ProjectionProgress | undefined;
      const ledger = await start({ dataDir: dataDir(), beforeListen: (app) => (progress = app.get(ProjectionProgress)) });
      expect(progress).toBeInstanceOf(ProjectorWorkerHost);

      const { path, position } = await consent(ledger);
      const read = await ledger.get(`${path}?atLeast=${position}`);
      expect(read.status).toBe(200);
      expect(read.body.purposes['crm-access']).toMatchObject({ status: 'granted' });

      // The read waited for subject-status only; the others follow in their own time.
      const { projections } = await caughtUp(ledger);
      for (const p of projections) expect(p).toMatchObject({ state: 'running', position, lag: 0 });
      const metrics = parseMetrics((await ledger.get('/metrics')).text);
      for (const name of NAMES) {
        expect(valueOf(metrics, 'ledger_projection_position', { projection: name })).toBe(position);
        expect(valueOf(metrics, 'ledger_projection_state', { projection: name, state: 'running' })).toBe(1);
      }
    });

    it('shows the projections failed while the worker is gone, keeps answering commands, and starts the worker again', async () => {
      let host: ProjectorWorkerHost | undefined;
      const ledger = await start({
        dataDir: dataDir(),
        beforeListen: (app) => (host = app.get(ProjectionProgress) as ProjectorWorkerHost),
      });
      const before = await consent(ledger);
      expect((await ledger.get(`${before.path}?atLeast=${before.position}`)).status).toBe(200);

      // Ended from outside, as a fatal error in the thread would end it.
      await (host as unknown as { worker: Worker }).worker.terminate();

      const down = await health(ledger);
      expect(down.status).toBe(503);
      for (const p of down.body.projections) {
        expect(p).toMatchObject({ state: 'failed', failedEventId: null, error: 'the projector worker stopped (exit code 1)' });
      }
      expect((await ledger.get('/health/ready')).status).toBe(503);
      // The command path does not depend on the projections.
      const during = await consent(ledger);

      // Started again after 1 s: it resumes from the checkpoints and catches up.
      const back = await eventually(
        () => health(ledger),
        (answer) => answer.status === 200 && answer.body.projections.every((p) => p.state === 'running' && p.lag === 0),
        15_000,
      );
      expect(back.body.projections.map((p) => p.position)).toEqual(NAMES.map(() => during.position));
      expect((await ledger.get(`${during.path}?atLeast=${during.position}`)).status).toBe(200);
      expect((await ledger.get('/health/ready')).status).toBe(200);
    }, 60_000);
  });

  describe('api', () => {
    it('runs no projection: the projections stand by at their stored checkpoints and ?atLeast= answers 503 read-model-lagging', async () => {
      const ledger = await start({ dataDir: dataDir(), env: { LEDGER_ROLE: 'api', LEDGER_READ_YOUR_WRITES_TIMEOUT_MS: '2000' } });
      const { path, position } = await consent(ledger);

      const lagging = await ledger.get(`${path}?atLeast=${position}`);
      expect(lagging.status).toBe(503);
      expect(lagging.body.code).toBe('read-model-lagging');
      expect(lagging.headers.get('retry-after')).toBe('1');

      const { status, body } = await health(ledger);
      expect(status).toBe(200);
      for (const p of body.projections) expect(p).toMatchObject({ state: 'standby', position: 0, lag: position });
      expect((await ledger.get('/health/ready')).status).toBe(200);
    });

    it('serves what a projector process writes into the shared read store', async () => {
      const dir = dataDir();
      const api = await start({ dataDir: dir, env: { LEDGER_ROLE: 'api' } });
      const { path, position } = await consent(api);

      await start({ dataDir: dir, env: { LEDGER_ROLE: 'projector' } });
      // The projector is not told of the api's commits: it finds them on its next poll of the log.
      const read = await eventually(
        () => api.get(`${path}?atLeast=${position}`),
        (answer) => answer.status === 200,
        10_000,
      );
      expect(read.status).toBe(200);
      expect(read.body.purposes['crm-access']).toMatchObject({ status: 'granted' });
      const positions = await eventually(
        () => health(api),
        (answer) => answer.body.projections.every((p) => p.position === position),
        5000,
      );
      for (const p of positions.body.projections) expect(p).toMatchObject({ state: 'standby', position });
    });
  });

  describe('projector', () => {
    it('runs the projections and serves only /health/* and /metrics', async () => {
      const dir = dataDir();
      const writer = await start({ dataDir: dir });
      const { path, position } = await consent(writer);
      await writer.close();
      cleanup.pop();

      const projector = await start({ dataDir: dir, env: { LEDGER_ROLE: 'projector' } });
      const caughtUp = await eventually(
        () => health(projector),
        (answer) => answer.body.projections.every((p) => p.state === 'running' && p.position === position),
        10_000,
      );
      expect(caughtUp.status).toBe(200);
      expect((await projector.get('/health/live')).status).toBe(200);
      expect((await projector.get('/health/ready')).status).toBe(200);
      const metrics = await projector.get('/metrics');
      expect(metrics.status).toBe(200);
      for (const name of NAMES) {
        expect(valueOf(parseMetrics(metrics.text), 'ledger_projection_state', { projection: name, state: 'running' })).toBe(1);
      }

      for (const answer of [
        await projector.post(`${path}/consents`, consentBody()),
        await projector.get(path),
        await projector.get('/v1/deletions'),
        await projector.get('/v1/audit/events'),
        await projector.get('/openapi.json'),
        await projector.get('/ops'),
      ]) {
        expect(answer.status).toBe(404);
      }
    });
  });
});
