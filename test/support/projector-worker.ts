import type { ProjectorWorkerOptions } from '../../src/projections/worker/projector-worker-host.js';

/**
 * The projector worker of an app started in a test: the TypeScript entry itself, run through
 * the loader in ts-loader/ (the worker thread is plain Node, not Jest), so that it runs the
 * same sources as the test without a build.
 */
export const TEST_PROJECTOR_WORKER: ProjectorWorkerOptions = {
  entry: new URL('../../src/projector.worker.ts', import.meta.url),
  execArgv: ['--import', new URL('./ts-loader/register.mjs', import.meta.url).href],
};
