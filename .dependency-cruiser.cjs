// Who may import whom, checked by `npm run lint:deps`: this file's rules, then
// scripts/check-folder-cycles.mjs for cycles between the top-level folders of src/ (which
// dependency-cruiser's own rules do not see). Arrows point down only:
//
//   1 domain        src/domain/                       imports only domain
//   2 platform      src/platform/, src/config/        imports domain and itself
//   3 ports         src/event-store/, src/read-store/, src/idempotency/, src/key-store/, src/confirmation-tokens/
//                   each `<port>/<port>.port.ts`, its adapters in `<port>/sqlite|mongodb|eventstoredb/`;
//                   imports domain, platform and its own port (no other port, no adapter of
//                   another: shared store code is platform's)
//   . shared        src/http/ (HTTP helpers), src/projections/ (the projection runner):
//                   what features build on; imports layers 1-3, never a feature
//   4 features      src/commands/, src/read-models/, src/evidence/, src/audit/, src/privacy/,
//                   src/access/, src/observability/, src/ops-dashboard/, src/subject-export/, src/webhooks/
//   5 root          src/app.*.ts, src/main.ts, src/projector.worker.ts (the projector worker's
//                   entry, which opens its own stores), src/stores/, src/cli/: the only code
//                   that knows every adapter and every feature
//
// Features and another feature: a feature uses another through that feature's Nest module
// (imported in its own module's `imports`) and the classes, tokens and types the module
// exports; those files are listed in FEATURE_PUBLIC below, and any other file of another
// feature is internal. A feature that needs a service adds it to its module's exports and the
// file here, in the same commit: the list is the features' published surface, kept short.
//
// Stores: features get the ports through `src/stores/stores.module.ts` (the Nest module that
// provides the four port tokens). It is the one file of the root a feature may import: it
// hands out ports, and the adapters stay behind it (`open-stores.ts`).
//
// Tests: a spec (`*.spec.ts`) sits with its subject and obeys its folder's layer, with these
// allowances: it may import test support (test/), and wire real adapters and the root's list
// of projections (an integration test composes like the root does); a spec of the runner may
// run the features' projections. Specs are leaves (nothing imports them), so they can close no
// cycle, and the folder-cycle check leaves them out. test/contract/ (one suite per port, run
// on every adapter) may import ports only; the rest of test/ (e2e, crash, support) drives the
// whole app and may import anything. bench/ is not checked: each benchmark is a root of its own.
// clients/typescript (the typed client, a package of its own) imports none of the ledger's code.
//
const DOMAIN = '^src/domain/';
const PLATFORM = '^src/(platform|config)/';
const PORTS = '^src/(event-store|read-store|idempotency|key-store|confirmation-tokens)/';
const ADAPTERS = '^src/(event-store|read-store|idempotency|key-store|confirmation-tokens)/(sqlite|mongodb|eventstoredb)/';
const SHARED = '^src/(http|projections)/';
const FEATURES = '^src/(commands|read-models|evidence|audit|privacy|access|observability|ops-dashboard|subject-export|webhooks)/';
const ROOT = '^src/([^/]+\\.ts$|stores/|cli/)';
// A feature's own store port, built on a shared port (the webhook delivery store on the read
// store): its contract suite may import it like a port.
const FEATURE_PORTS = '^src/webhooks/delivery/delivery-store[.]port[.]ts$';
const STORES_MODULE = '^src/stores/stores[.]module[.]ts$';
const SPEC = '[.]spec[.]ts$';
const TEST = '^test/';

/** Each feature's published surface: the files another feature may import (see above). */
const FEATURE_PUBLIC = [
  // Every feature's Nest module(s).
  '^src/.+[.]module[.]ts$',
  // access: the principal of a request, for routes that scope by tenant.
  '^src/access/access[.]guard[.]ts$',
  // evidence: the transparency log and signing key (EvidenceModule exports them), the proof
  // DTOs, the Merkle log's projection name, and the event hash the write path chains.
  '^src/evidence/(transparency-log|signing-key|proofs[.]response|merkle-leaves[.]projection|event-hash)[.]ts$',
  // observability: the app's metrics (MetricsModule exports LedgerMetrics).
  '^src/observability/metrics/ledger-metrics[.]ts$',
  // privacy: crypto-shredding (PrivacyModule exports PersonalData and MASTER_KEY), the
  // sealed-value format, the catalogue of personal fields, and the sealing of webhook secrets.
  '^src/privacy/(personal-data|master-key|field-cipher|personal-fields|webhook-secrets)[.]ts$',
  // commands: the recorder the webhook delivery worker calls after delivering an Art. 19 notice.
  '^src/commands/record-recipient-notification/webhook-notice[.]recorder[.]ts$',
  // read-models: a subject's status as a pure fold, its view and DTO (the export includes it).
  '^src/read-models/subject-status/subject-status[.](projection|view|response)[.]ts$',
  // commands: the seam the webhook delivery worker calls after delivering an erasure task.
  '^src/commands/record-task-delivery/erasure-task-deliveries[.]ts$',
  // webhooks: the confirmation-token issuer's port (the delivery payload builder injects it).
  '^src/webhooks/confirmation-tokens/confirmation-token[.]port[.]ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module cycle: split the shared part into a file both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-only-domain',
      severity: 'error',
      comment: 'Domain code is pure: no platform, ports, features, Nest or I/O of ours.',
      from: { path: DOMAIN },
      to: { path: '^(src|test)/', pathNot: [DOMAIN, TEST] },
    },
    {
      name: 'platform-imports-nothing-above',
      severity: 'error',
      comment: 'platform/ and config/ sit under every port and feature.',
      from: { path: PLATFORM },
      to: { path: '^src/', pathNot: [DOMAIN, PLATFORM] },
    },
    {
      name: 'ports-import-domain-and-platform',
      severity: 'error',
      comment: 'A port (and its adapters) knows no feature, shared helper or root.',
      from: { path: PORTS },
      to: { path: '^src/', pathNot: [DOMAIN, PLATFORM, PORTS] },
    },
    {
      name: 'port-imports-no-adapter',
      severity: 'error',
      comment: "A port file never reaches into an adapter (its own or another port's).",
      from: { path: PORTS, pathNot: [ADAPTERS, SPEC] },
      to: { path: ADAPTERS },
    },
    {
      name: 'port-imports-no-other-port',
      severity: 'error',
      comment: 'Shared store code belongs in src/platform/ (sqlite/, mongodb/, store-errors.ts), not in another port or its adapters.',
      from: { path: '^src/(event-store|read-store|idempotency|key-store|confirmation-tokens)/' },
      to: { path: PORTS, pathNot: ['^src/$1/'] },
    },
    {
      name: 'shared-imports-no-feature',
      severity: 'error',
      comment:
        'http/ and projections/ are what features build on: they import no feature (the runner gets the projections from the root, ProjectionsModule.forRoot).',
      from: { path: SHARED, pathNot: SPEC },
      to: { path: FEATURES },
    },
    {
      name: 'shared-spec-imports-only-projections-of-features',
      severity: 'error',
      comment: "A spec of the runner may run the features' projections (as the root hands them to it), and nothing else of theirs.",
      from: { path: SHARED + '.*' + SPEC },
      to: { path: FEATURES, pathNot: '[.]projection[.]ts$' },
    },
    {
      name: 'shared-imports-no-root',
      severity: 'error',
      comment: 'http/ and projections/ do not know the app (src/stores/stores.module.ts is the exception: it provides the port tokens).',
      from: { path: SHARED, pathNot: SPEC },
      to: { path: ROOT, pathNot: STORES_MODULE },
    },
    {
      name: 'feature-imports-no-adapter',
      severity: 'error',
      comment: 'Only the composition root (src/stores/open-stores.ts) chooses adapters; a feature injects the port.',
      from: { path: [FEATURES, SHARED], pathNot: SPEC },
      to: { path: ADAPTERS },
    },
    {
      name: 'feature-imports-no-root',
      severity: 'error',
      comment:
        'Features do not know the app they are wired into (src/stores/stores.module.ts is the exception: it provides the port tokens).',
      from: { path: FEATURES, pathNot: SPEC },
      to: { path: ROOT, pathNot: STORES_MODULE },
    },
    {
      name: 'feature-uses-another-through-its-public-surface',
      severity: 'error',
      comment: "Another feature's internals: use what its Nest module exports (FEATURE_PUBLIC in .dependency-cruiser.cjs).",
      from: { path: FEATURES },
      to: { path: FEATURES, pathNot: ['^src/$1/', ...FEATURE_PUBLIC] },
    },
    {
      name: 'production-code-imports-no-test',
      severity: 'error',
      comment: 'test/ is for specs.',
      from: { path: '^src/', pathNot: SPEC },
      to: { path: TEST },
    },
    {
      name: 'client-package-imports-no-ledger-code',
      severity: 'error',
      comment: 'clients/typescript is a package of its own, published alone: it knows the ledger only through the generated API types.',
      from: { path: '^clients/' },
      to: { path: '^(src|test|bench|scripts)/' },
    },
    {
      name: 'contract-suites-import-ports-only',
      severity: 'error',
      comment: "A contract suite is written against the port, and each adapter's spec runs it.",
      from: { path: '^test/contract/' },
      to: { path: '^src/', pathNot: [DOMAIN, PLATFORM, PORTS, FEATURE_PORTS] },
    },
    {
      name: 'contract-suites-import-no-adapter',
      severity: 'error',
      comment: "A contract suite is written against the port, and each adapter's spec runs it.",
      from: { path: '^test/contract/' },
      to: { path: ADAPTERS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that names another layer's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js'],
    },
  },
};
