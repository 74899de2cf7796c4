import { buildLedger } from './build-ledger.js';

/**
 * Jest's global setup for the tiers that run the built ledger (int, crash): starts its one
 * build and returns at once, so that other test files run while tsc compiles; a test that
 * needs the build waits for it in buildLedger(), under the build's lock. Should it fail, those
 * tests build again and report the compiler's output. Plain JavaScript: Jest loads global
 * setup modules outside its module map, where `.js` imports of TypeScript files do not resolve.
 */
export default () => {
  globalThis.ledgerBuild = buildLedger().catch(() => undefined);
};
