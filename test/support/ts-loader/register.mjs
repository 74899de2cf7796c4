// `node --import ./register.mjs`: lets a worker thread started by an e2e test run the
// TypeScript sources as they are (the projector worker, src/projector.worker.ts), as ts-jest
// does for the test itself, without a build. Tests only; the app runs the compiled files.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
