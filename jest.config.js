// One Jest project per test tier, chosen by the file suffix: `npm run test:unit` (and
// test:int, test:e2e, test:crash) runs one, `npm test` runs them all.
// test/spec-tiers.unit.spec.ts fails on a spec file that no tier picks up.

export const TIERS = ['unit', 'int', 'e2e', 'crash'];

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
};

/** Tiers with tests that run the compiled ledger as a child process (test/support/build-ledger.js). */
const runsBuiltLedger = {
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};

/** @type {import('jest').Config} */
export default {
  // A global option: Jest ignores it inside a project.
  testTimeout: 30_000,
  projects: TIERS.map((tier) => ({
    ...shared,
    ...((tier === 'int' || tier === 'crash') && runsBuiltLedger),
    displayName: tier,
    testMatch: [`<rootDir>/src/**/*.${tier}.spec.ts`, `<rootDir>/test/**/*.${tier}.spec.ts`],
  })),
};
