import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parentPort, workerData } from 'node:worker_threads';
import { PROJECTIONS } from './app.projections.js';
import { startTracing, stopTracing } from './observability/tracing/start-tracing.js';
import { armCrashPoint } from './platform/crash-point.js';
import { ProjectionRunner } from './projections/runner/projection-runner.js';
import {
  forwardingLogger,
  notifiedBy,
  type FromProjector,
  type ProjectorWorkerData,
  type ToProjector,
} from './projections/worker/projector-protocol.js';
import { openEventStore, openReadStore } from './stores/open-stores.js';

/**
 * The projector worker's entry (a composition root: it opens adapters), started by
 * ProjectorWorkerHost (src/projections/worker/) with LEDGER_ROLE=all on the embedded event
 * store. Its own connections to the event store (reads only) and the read store; the runner
 * it runs is the one the other roles run in process, woken by the API thread's commits.
 */
const run = async (): Promise<void> => {
  const port = parentPort!;
  const data = workerData as ProjectorWorkerData;
  const post = (message: FromProjector) => port.postMessage(message);
  Logger.overrideLogger(forwardingLogger(post));
  armCrashPoint(data.testCrashAt);
  // A thread has its own OpenTelemetry globals: the API thread's SDK does not see this one's spans.
  await startTracing(data.tracing, false);

  const events = await openEventStore(data.stores);
  const readStore = await openReadStore(data.stores);
  // Many changes come in one turn of the event loop (a batch per projection): one report for them.
  let reportDue = false;
  const report = () => {
    if (reportDue) return;
    reportDue = true;
    setImmediate(() => {
      reportDue = false;
      post({ type: 'progress', projections: runner.health() });
    });
  };
  const runner = new ProjectionRunner(notifiedBy(events, data.commits), readStore, PROJECTIONS, {
    leaseTtlMs: data.leaseTtlMs,
    onChange: report,
  });

  port.on('message', (message: ToProjector) => {
    if (message.type !== 'stop') return;
    void (async () => {
      await runner.beforeApplicationShutdown();
      data.commits.close();
      await Promise.all([events.close(), readStore.close(), stopTracing()]);
      // Ends this thread only.
      process.exit(0);
    })();
  });

  await runner.onApplicationBootstrap();
  post({ type: 'ready' });
  report();
};

// An error here ends the worker; the host reports the projections failed and starts it again.
await run();
