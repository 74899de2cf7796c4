import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { ConfigError, decodeMasterKey, parseConfig } from './ledger-config.js';

const ADMIN_KEYS = JSON.stringify([{ name: 'root', role: 'admin', tenants: ['*'], key: 'root-secret-0123456789' }]);

describe('configuration from the environment', () => {
  it('has the defaults of api.md', () => {
    expect(parseConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('./data'),
      eventStoreConnectionString: undefined,
      mongodbUrl: undefined,
      signingKey: undefined,
      erasureDays: 30,
      erasureSystems: ['crm', 'call-recordings', 'analytics', 'backups'],
      grievanceDays: undefined,
      jurisdiction: 'IN',
      masterKey: undefined,
      production: false,
      logLevel: 'info',
      apiKeys: undefined,
      rateLimit: 600000,
      requestTimeoutMs: 30000,
      sseHeartbeatMs: 15000,
      corsOrigins: [],
      groupCommitMaxBatch: 256,
      stateCacheSubjects: 10000,
      projectionLeaseTtlMs: 10000,
      readYourWritesTimeoutMs: 2000,
      role: 'all',
      webhookRetryWindowMs: 72 * 3_600_000,
      webhookSecretOverlapMs: 24 * 3_600_000,
      webhookAllowPrivate: false,
      webhookPollMs: 500,
      testCrashAt: undefined,
      tracing: undefined,
    });
  });

  it('reads the webhook settings, and refuses a flag that is neither true nor false', () => {
    const config = parseConfig({
      LEDGER_WEBHOOK_RETRY_WINDOW_HOURS: '1',
      LEDGER_WEBHOOK_SECRET_OVERLAP_HOURS: '0',
      LEDGER_WEBHOOK_ALLOW_PRIVATE: 'true',
      LEDGER_WEBHOOK_POLL_MS: '50',
    });
    expect(config).toMatchObject({
      webhookRetryWindowMs: 3_600_000,
      webhookSecretOverlapMs: 0,
      webhookAllowPrivate: true,
      webhookPollMs: 50,
    });
    expect(() => parseConfig({ LEDGER_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/LEDGER_WEBHOOK_ALLOW_PRIVATE/);
    expect(() => parseConfig({ LEDGER_WEBHOOK_RETRY_WINDOW_HOURS: '0' })).toThrow(/LEDGER_WEBHOOK_RETRY_WINDOW_HOURS/);
  });

  it('reads LEDGER_ROLE (all, api, projector, any case) and refuses another role', () => {
    expect(parseConfig({ LEDGER_ROLE: 'api' }).role).toBe('api');
    expect(parseConfig({ LEDGER_ROLE: 'Projector' }).role).toBe('projector');
    expect(parseConfig({ LEDGER_ROLE: 'all' }).role).toBe('all');
    expect(() => parseConfig({ LEDGER_ROLE: 'worker' })).toThrow(/LEDGER_ROLE: must be one of all, api, projector, got "worker"/);
  });

  it('accepts the connection strings of a cluster, which name several hosts', () => {
    const esdb = 'esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true&tlsCAFile=/etc/ledger/esdb-ca.crt';
    const mongodb = 'mongodb://ledger:p%40ss@m1:27017,m2:27017,m3:27017/ledger?replicaSet=rs0';
    const config = parseConfig({ EVENTSTORE_CONNECTION_STRING: esdb, MONGODB_URL: mongodb });
    expect(config.eventStoreConnectionString).toBe(esdb);
    expect(config.mongodbUrl).toBe(mongodb);
  });

  it('reads every variable', () => {
    const config = parseConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      LEDGER_DATA_DIR: '/var/lib/ledger',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      MONGODB_URL: 'mongodb://localhost:27017/ledger',
      LEDGER_ERASURE_DAYS: '14',
      LEDGER_ERASURE_SYSTEMS: ' crm , backups ',
      LEDGER_GRIEVANCE_DAYS: '90',
      LEDGER_JURISDICTION: 'de',
      LEDGER_LOG_LEVEL: 'Debug',
      LEDGER_RATE_LIMIT: '120',
      LEDGER_REQUEST_TIMEOUT_MS: '5000',
      LEDGER_CORS_ORIGINS: 'https://ops.example.com, http://localhost:5173/',
      LEDGER_GROUP_COMMIT_MAX_BATCH: '1',
      LEDGER_READ_YOUR_WRITES_TIMEOUT_MS: '5000',
      LEDGER_STATE_CACHE_SUBJECTS: '500',
      LEDGER_SSE_HEARTBEAT_MS: '9999',
    });
    expect(config).toMatchObject({
      readYourWritesTimeoutMs: 5000,
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/ledger',
      eventStoreConnectionString: 'esdb://localhost:2113?tls=false',
      mongodbUrl: 'mongodb://localhost:27017/ledger',
      erasureDays: 14,
      erasureSystems: ['crm', 'backups'],
      grievanceDays: 90,
      jurisdiction: 'DE',
      logLevel: 'debug',
      rateLimit: 120,
      requestTimeoutMs: 5000,
      corsOrigins: ['https://ops.example.com', 'http://localhost:5173'],
      groupCommitMaxBatch: 1,
      stateCacheSubjects: 500,
      sseHeartbeatMs: 9999,
    });
  });

  it('refuses a live-feed heartbeat out of range, or so slow that the request timeout would close the silent connection first', () => {
    expect(() => parseConfig({ LEDGER_SSE_HEARTBEAT_MS: '99' })).toThrow(/LEDGER_SSE_HEARTBEAT_MS: must be between 100 and 600000/);
    expect(() => parseConfig({ LEDGER_SSE_HEARTBEAT_MS: '1.5' })).toThrow(/LEDGER_SSE_HEARTBEAT_MS: must be a whole number/);
    expect(() => parseConfig({ LEDGER_REQUEST_TIMEOUT_MS: '5000', LEDGER_SSE_HEARTBEAT_MS: '10000' })).toThrow(
      /LEDGER_SSE_HEARTBEAT_MS: must be shorter than twice LEDGER_REQUEST_TIMEOUT_MS \(10000 ms\)/,
    );
    expect(parseConfig({ LEDGER_REQUEST_TIMEOUT_MS: '5000', LEDGER_SSE_HEARTBEAT_MS: '9999' }).sseHeartbeatMs).toBe(9999);
    // Unset, it follows a request timeout shorter than its 15 s default.
    expect(parseConfig({ LEDGER_REQUEST_TIMEOUT_MS: '1000' }).sseHeartbeatMs).toBe(1000);
    expect(parseConfig({ LEDGER_REQUEST_TIMEOUT_MS: '60000' }).sseHeartbeatMs).toBe(15000);
  });

  it("reads the crash tests' LEDGER_TEST_CRASH_AT with or without a place, refuses an unknown point, and refuses it in production", () => {
    expect(parseConfig({ LEDGER_TEST_CRASH_AT: 'projection-after-write' }).testCrashAt).toEqual({ point: 'projection-after-write' });
    expect(parseConfig({ LEDGER_TEST_CRASH_AT: 'projection-after-write:transfer-summary' }).testCrashAt).toEqual({
      point: 'projection-after-write',
      where: 'transfer-summary',
    });
    expect(() => parseConfig({ LEDGER_TEST_CRASH_AT: 'somewhere' })).toThrow(/LEDGER_TEST_CRASH_AT: must be one of projection-after-write/);
    expect(() => parseConfig({ LEDGER_TEST_CRASH_AT: 'projection-after-write:' })).toThrow(/LEDGER_TEST_CRASH_AT: must be one of/);
    expect(() => parseConfig({ LEDGER_TEST_CRASH_AT: 'somewhere:transfer-summary' })).toThrow(/LEDGER_TEST_CRASH_AT: must be one of/);
    expect(() =>
      parseConfig({
        NODE_ENV: 'production',
        LEDGER_MASTER_KEY: '5'.repeat(64),
        LEDGER_API_KEYS: ADMIN_KEYS,
        LEDGER_TEST_CRASH_AT: 'projection-after-write',
      }),
    ).toThrow(/LEDGER_TEST_CRASH_AT: is a test hook/);
  });

  it('reads LEDGER_GRIEVANCE_DAYS at its bounds, and a blank value as unset (one calendar month)', () => {
    expect(parseConfig({ LEDGER_GRIEVANCE_DAYS: '1' }).grievanceDays).toBe(1);
    expect(parseConfig({ LEDGER_GRIEVANCE_DAYS: '3650' }).grievanceDays).toBe(3650);
    expect(parseConfig({ LEDGER_GRIEVANCE_DAYS: '  ' }).grievanceDays).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['LEDGER_ERASURE_DAYS', '0'],
    ['LEDGER_ERASURE_DAYS', '1.5'],
    ['LEDGER_GRIEVANCE_DAYS', '0'],
    ['LEDGER_GRIEVANCE_DAYS', '3651'],
    ['LEDGER_GRIEVANCE_DAYS', '-5'],
    ['LEDGER_GRIEVANCE_DAYS', 'month'],
    ['LEDGER_ERASURE_SYSTEMS', ' , '],
    ['LEDGER_ERASURE_SYSTEMS', 'crm,CRM Backup'],
    ['LEDGER_ERASURE_SYSTEMS', 'crm,crm'],
    ['EVENTSTORE_CONNECTION_STRING', 'http://localhost:2113'],
    ['MONGODB_URL', 'not a url'],
    ['MONGODB_URL', 'mongodb://m1:27017,,m3:27017/ledger'],
    ['MONGODB_URL', 'mongodb://m1:27017,m2:port/ledger'],
    ['EVENTSTORE_CONNECTION_STRING', 'https://node1:2113,node2:2113'],
    ['LEDGER_JURISDICTION', 'India'],
    ['LEDGER_JURISDICTION', 'XX'],
    ['LEDGER_LOG_LEVEL', 'verbose'],
    ['LEDGER_MASTER_KEY', 'secret'],
    ['LEDGER_MASTER_KEY', randomBytes(16).toString('base64')],
    ['LEDGER_MASTER_KEY', randomBytes(33).toString('hex').slice(0, 62)],
    ['LEDGER_RATE_LIMIT', '-1'],
    ['LEDGER_RATE_LIMIT', 'lots'],
    ['LEDGER_REQUEST_TIMEOUT_MS', '999'],
    ['LEDGER_REQUEST_TIMEOUT_MS', '30s'],
    ['LEDGER_STATE_CACHE_SUBJECTS', '-1'],
    ['LEDGER_STATE_CACHE_SUBJECTS', '10000001'],
    ['LEDGER_STATE_CACHE_SUBJECTS', '10k'],
    ['LEDGER_CORS_ORIGINS', '*'],
    ['LEDGER_CORS_ORIGINS', 'ops.example.com'],
    ['LEDGER_CORS_ORIGINS', 'https://ops.example.com/dashboard'],
    ['LEDGER_CORS_ORIGINS', 'ftp://ops.example.com'],
  ])('refuses %s=%j with an error naming the variable', (variable, value) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}:`));
  });

  describe('the master key', () => {
    const key = randomBytes(32);

    it.each([
      ['base64', key.toString('base64')],
      ['base64 without padding', key.toString('base64').replace(/=$/, '')],
      ['base64url', key.toString('base64url')],
      ['hex', key.toString('hex')],
      ['upper-case hex', key.toString('hex').toUpperCase()],
    ])('reads LEDGER_MASTER_KEY written as %s', (_form, text) => {
      expect(parseConfig({ LEDGER_MASTER_KEY: ` ${text} ` }).masterKey).toEqual(key);
    });

    it('refuses a base64 spelling whose spare bits are set (a typo, not a key)', () => {
      const text = key.toString('base64');
      const last = text[42] ?? 'A';
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const twisted = `${text.slice(0, 42)}${alphabet[(alphabet.indexOf(last) ^ 1) % 64]}=`;
      expect(decodeMasterKey(twisted)).toBeNull();
    });

    it('never shows the key it refuses in the error', () => {
      const secret = randomBytes(31).toString('base64');
      expect(() => parseConfig({ LEDGER_MASTER_KEY: secret })).toThrow(/^LEDGER_MASTER_KEY: must be 32 bytes/);
      expect(() => parseConfig({ LEDGER_MASTER_KEY: secret })).not.toThrow(secret);
    });

    it('is required when NODE_ENV=production, and the error names the variable', () => {
      expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
      expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/^LEDGER_MASTER_KEY: is required when NODE_ENV=production/);
      expect(parseConfig({ NODE_ENV: 'production', LEDGER_MASTER_KEY: key.toString('hex'), LEDGER_API_KEYS: ADMIN_KEYS })).toMatchObject({
        production: true,
        masterKey: key,
      });
    });

    it('may be left out outside production (a key is then generated into the data directory)', () => {
      expect(parseConfig({ NODE_ENV: 'development' })).toMatchObject({ production: false, masterKey: undefined });
    });
  });
});

describe('API keys', () => {
  const entry = (overrides: Record<string, unknown> = {}) => ({
    name: 'signup-service',
    role: 'service',
    tenants: ['acme'],
    key: 'svc-secret-0123456789',
    ...overrides,
  });
  const keys = (...entries: unknown[]) => JSON.stringify(entries);

  it('reads LEDGER_API_KEYS, keeping only the SHA-256 of each key', () => {
    const digest = createHash('sha256').update('auditor-secret-0123').digest('hex');
    const config = parseConfig({ LEDGER_API_KEYS: keys(entry(), { name: 'desk', role: 'auditor', tenants: ['*'], keySha256: digest }) });
    expect(config.apiKeys).toEqual([
      {
        name: 'signup-service',
        role: 'service',
        tenants: ['acme'],
        keySha256: createHash('sha256').update('svc-secret-0123456789').digest(),
      },
      { name: 'desk', role: 'auditor', tenants: '*', keySha256: Buffer.from(digest, 'hex') },
    ]);
    expect(JSON.stringify(config)).not.toContain('svc-secret-0123456789');
  });

  it('reads the same JSON from the file LEDGER_API_KEYS_FILE names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
    try {
      const path = join(dir, 'keys.json');
      writeFileSync(path, keys(entry()));
      expect(parseConfig({ LEDGER_API_KEYS_FILE: path }).apiKeys?.map((k) => k.name)).toEqual(['signup-service']);
      writeFileSync(path, keys(entry({ role: 'root' })));
      expect(() => parseConfig({ LEDGER_API_KEYS_FILE: path })).toThrow(
        /^LEDGER_API_KEYS_FILE: entry 0 \("signup-service"\): role must be one of/,
      );
      expect(() => parseConfig({ LEDGER_API_KEYS_FILE: join(dir, 'missing.json') })).toThrow(
        /^LEDGER_API_KEYS_FILE: cannot read .*missing\.json \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['bad JSON', '[{"name": "signup-service",', /not valid JSON/],
    ['an unknown role', keys(entry({ role: 'superuser' })), /role must be one of service, auditor, ops, admin/],
    ['both key and keySha256', keys(entry({ keySha256: 'a'.repeat(64) })), /either key or keySha256, not both/],
    ['duplicate names', keys(entry(), entry({ key: 'another-secret-0123' })), /names "signup-service" twice/],
    ['empty tenants', keys(entry({ tenants: [] })), /tenants must be a non-empty list/],
    ['no key at all', '[]', /at least one key/],
  ])('refuses %s in LEDGER_API_KEYS with an error naming the variable', (_label, value, message) => {
    expect(() => parseConfig({ LEDGER_API_KEYS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ LEDGER_API_KEYS: value })).toThrow(/^LEDGER_API_KEYS: /);
    expect(() => parseConfig({ LEDGER_API_KEYS: value })).toThrow(message);
  });

  it('refuses LEDGER_API_KEYS and LEDGER_API_KEYS_FILE together', () => {
    expect(() => parseConfig({ LEDGER_API_KEYS: keys(entry()), LEDGER_API_KEYS_FILE: '/etc/ledger/keys.json' })).toThrow(
      /^LEDGER_API_KEYS_FILE: cannot be set together/,
    );
  });

  it('requires keys when NODE_ENV=production (no generated admin key there), and not otherwise', () => {
    const production = { NODE_ENV: 'production', LEDGER_MASTER_KEY: randomBytes(32).toString('base64') };
    expect(() => parseConfig(production)).toThrow(ConfigError);
    expect(() => parseConfig(production)).toThrow(/^LEDGER_API_KEYS: is required when NODE_ENV=production/);
    expect(parseConfig({ ...production, LEDGER_API_KEYS: keys(entry()) }).apiKeys).toHaveLength(1);
    expect(parseConfig({ LEDGER_API_KEYS: ' ' }).apiKeys).toBeUndefined();
  });

  it('reads LEDGER_RATE_LIMIT=0 as no limit', () => {
    expect(parseConfig({ LEDGER_RATE_LIMIT: '0' }).rateLimit).toBe(0);
  });

  it('reads LEDGER_STATE_CACHE_SUBJECTS=0 as keeping no state', () => {
    expect(parseConfig({ LEDGER_STATE_CACHE_SUBJECTS: '0' }).stateCacheSubjects).toBe(0);
  });
});

describe('OpenTelemetry tracing settings', () => {
  it('are off without an OTLP endpoint, whatever else is set', () => {
    expect(parseConfig({ OTEL_SERVICE_NAME: 'ledger', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing).toBeUndefined();
  });

  it('are on with OTEL_EXPORTER_OTLP_ENDPOINT, over OTLP/HTTP protobuf as privacy-ledger by default', () => {
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
      endpoint: 'http://collector:4318',
      protocol: 'http/protobuf',
      serviceName: 'privacy-ledger',
    });
  });

  it('prefer the traces endpoint and protocol over the general ones', () => {
    const tracing = parseConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/v1/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'HTTP/JSON',
      OTEL_SERVICE_NAME: 'ledger-eu',
    }).tracing;
    expect(tracing).toEqual({ endpoint: 'https://traces.example.com/v1/traces', protocol: 'http/json', serviceName: 'ledger-eu' });
  });

  it('are off with OTEL_SDK_DISABLED=true even with an endpoint', () => {
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'OTEL_EXPORTER_OTLP_ENDPOINT: must start with http:// or https://'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url', 'OTEL_EXPORTER_OTLP_ENDPOINT: is not a valid URL'],
    [
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'http/xml',
      'OTEL_EXPORTER_OTLP_PROTOCOL: must be one of http/protobuf, http/json, grpc, got "http/xml"',
    ],
    ['OTEL_SDK_DISABLED', 'yes', 'OTEL_SDK_DISABLED: must be one of true, false, got "yes"'],
  ])('refuse %s=%s, naming the variable', (name, value, message) => {
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', [name]: value })).toThrow(
      new ConfigError(name, message.slice(name.length + 2)),
    );
  });
});
