// One Jest project per test tier, chosen by the file suffix: `npm run test:unit` (and
// test:int, test:e2e, test:crash, test:cluster) runs one, `npm test` runs them all, the cluster
// tier only when LEDGER_TEST_CLUSTER=1 (see CLUSTER below).
// test/spec-tiers.unit.spec.ts fails on a spec file that no tier picks up.
import { availableParallelism } from 'node:os';

export const TIERS = ['unit', 'int', 'e2e', 'crash', 'cluster'];

/**
 * The cluster tier (test/cluster/: five ledger processes, the EventStoreDB test server and a
 * MongoDB-wire server per file) is a project only when LEDGER_TEST_CLUSTER=1 (`npm run
 * test:cluster` sets it), so that the whole `npm test` stays under 300 s.
 */
const CLUSTER = process.env.LEDGER_TEST_CLUSTER === '1';

/**
 * The e2e files that run a second time with their ledgers' read models, data keys and
 * idempotency records in MongoDB (project `e2e-mongodb`, only when MONGODB_URL is set, as in
 * .ci/run). The rest of the e2e tier runs on the embedded stores: the MongoDB adapters are
 * proven by their contract suites (int tier), and these files cover what only a running ledger
 * shows on MongoDB (keys shredded, answers kept across restarts, runners resuming, rebuilds).
 * Running the whole tier on FerretDB took 840-935 s of the suite's time (docs/performance.md).
 */
export const MONGODB_E2E = [
  'idempotency',
  'crypto-shredding',
  'projection-restart',
  'rebuild',
  'subject-status',
  'concurrency-and-restart',
  // Not `webhooks` (37 s more on FerretDB): the delivery store's contract suite
  // (test/contract/delivery-store.contract.ts) runs on MongoDB, and its HTTP behaviour does not
  // depend on where deliveries are kept.
  // confirmation tokens are shared by every instance, in MongoDB: issued, checked and used there
  'erasure-confirmation-tokens',
  // The overdue-recipients query filters on a number (`recipientsOwed > 0`) and a date together.
  'recipient-notifications',
];

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // tsconfig.json sets isolatedModules, so ts-jest transpiles each file alone without type
  // checking (`npm run typecheck` covers src/, test/ and bench/).
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
};

/** Tiers with tests that run the compiled ledger as a child process (test/support/build-ledger.js). */
const runsBuiltLedger = {
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};

/** @type {import('jest').Config} */
export default {
  // A global option: Jest ignores it inside a project. Files run side by side share the
  // CPU, so a test takes longer than alone: 60 s, not 30 s, as a bound against hangs.
  testTimeout: 60_000,
  // Jest's default, cores - 1, is a single worker (no parallelism) on a 2-core CI machine. The
  // crash tests' workers mostly wait for their child ledger, which does the work: one more
  // worker than cores. More made timing-bound tests (a 2 s `atLeast` read) miss on a busy machine.
  maxWorkers: availableParallelism() + 1,
  testSequencer: '<rootDir>/test/support/slowest-first.sequencer.js',
  projects: [
    ...TIERS.filter((tier) => tier !== 'cluster' || CLUSTER).map((tier) => ({
      ...shared,
      ...((tier === 'int' || tier === 'crash' || tier === 'cluster') && runsBuiltLedger),
      ...(tier === 'e2e' && { setupFiles: ['<rootDir>/test/support/embedded-stores.setup.cjs'] }),
      displayName: tier,
      testMatch: [`<rootDir>/src/**/*.${tier}.spec.ts`, `<rootDir>/test/**/*.${tier}.spec.ts`],
    })),
    ...(process.env.MONGODB_URL
      ? [{ ...shared, displayName: 'e2e-mongodb', testMatch: MONGODB_E2E.map((name) => `<rootDir>/test/e2e/${name}.e2e.spec.ts`) }]
      : []),
  ],
};
