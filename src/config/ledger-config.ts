import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isISO31661Alpha2 } from 'class-validator';
import { InvalidApiKeys, parseApiKeys, type ApiKey } from './api-key-list.js';
import { SYSTEM_ID_PATTERN } from '../domain/catalogue.js';
import { CRASH_POINTS, type ArmedCrashPoint, type CrashPoint } from '../platform/crash-point.js';

/** The ledger's configuration, parsed once from the environment (api.md's table). */
export interface LedgerConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStoreConnectionString: string | undefined;
  readonly mongodbUrl: string | undefined;
  /** Ed25519 key for tree heads and certificates: a PEM, or the path of a PEM file. */
  readonly signingKey: string | undefined;
  readonly erasureDays: number;
  readonly erasureSystems: readonly string[];
  /** Fixed days to redress a grievance; undefined: one calendar month after receipt. */
  readonly grievanceDays: number | undefined;
  /** ISO 3166-1 alpha-2 country whose law governs the policy: transfers elsewhere are cross-border. */
  readonly jurisdiction: string;
  /**
   * 32 bytes that wrap every subject's data key (docs/privacy.md). Unset, the ledger generates
   * one into the data directory, which `production` forbids.
   */
  readonly masterKey: Buffer | undefined;
  /** NODE_ENV=production: no generated secrets; LEDGER_MASTER_KEY must be set. */
  readonly production: boolean;
  /** The least severe level of the JSON logs (docs/operations.md); `silent` turns them off. */
  readonly logLevel: LedgerLogLevel;
  /**
   * LEDGER_API_KEYS or the file LEDGER_API_KEYS_FILE names, hashed (docs/security.md).
   * Undefined: none configured, and the ledger creates an admin key on its first start,
   * which `production` forbids.
   */
  readonly apiKeys: readonly ApiKey[] | undefined;
  /** Requests per minute per API key (per client address without one); 0: no limit. */
  readonly rateLimit: number;
  /** Longest time to receive a whole request, and longest silence on a connection. */
  readonly requestTimeoutMs: number;
  /**
   * How long a live feed (`GET /v1/audit/events` as Server-Sent Events) stays silent before it
   * sends a heartbeat comment; shorter than twice the request timeout, which closes a silent connection.
   */
  readonly sseHeartbeatMs: number;
  /** Browser origins allowed by CORS; empty: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Most writes one embedded-store transaction carries (docs/performance.md); 1: one commit per write. */
  readonly groupCommitMaxBatch: number;
  /**
   * Most streams (subjects, and tenants' policy and notice streams) whose folded state the write
   * path keeps, least recently used dropped first; 0 keeps none.
   */
  readonly stateCacheSubjects: number;
  /** How long a projection's lease lasts unless renewed: how long a crashed instance's projections wait to be taken over. */
  readonly projectionLeaseTtlMs: number;
  /** How long a read with `?atLeast=` waits for its read model before answering 503 (or 400). */
  readonly readYourWritesTimeoutMs: number;
  /**
   * What this process runs (docs/deployment.md#roles): `all` serves the API and keeps the read
   * models; `api` serves the API and runs no projection; `projector` runs only the projections,
   * with the health routes and metrics.
   */
  readonly role: LedgerRole;
  /** How long a webhook delivery is retried after its first attempt before it is dead-lettered. */
  readonly webhookRetryWindowMs: number;
  /** How long the secrets a rotation replaces keep signing beside the new one. */
  readonly webhookSecretOverlapMs: number;
  /** Whether webhooks may target loopback, link-local and private addresses (tests, closed networks). */
  readonly webhookAllowPrivate: boolean;
  /** How often the delivery worker looks for new events and due retries. */
  readonly webhookPollMs: number;
  /** Crash tests only (src/platform/crash-point.ts): where the server kills itself; unset in production. */
  readonly testCrashAt: ArmedCrashPoint | undefined;
  /** OpenTelemetry traces (docs/operations.md, "Traces"); undefined: off, and no SDK is loaded. */
  readonly tracing: TracingSettings | undefined;
}

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

/**
 * What turns tracing on and names the service. Everything else about the export (headers,
 * timeouts, sampling, batching, resource attributes) is the OpenTelemetry SDK's own
 * `OTEL_*` configuration, which it reads itself.
 */
export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL) or OTEL_EXPORTER_OTLP_ENDPOINT (its base). */
  readonly endpoint: string;
  readonly protocol: (typeof OTLP_PROTOCOLS)[number];
  readonly serviceName: string;
}

/** pino's level names, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LedgerLogLevel = (typeof LOG_LEVELS)[number];

/** What opening the stores needs (src/stores/open-stores.ts), also in the projector worker. */
export type StoreSettings = Pick<LedgerConfig, 'dataDir' | 'eventStoreConnectionString' | 'mongodbUrl' | 'groupCommitMaxBatch'>;

export const LEDGER_ROLES = ['all', 'api', 'projector'] as const;
export type LedgerRole = (typeof LEDGER_ROLES)[number];

export const LEDGER_CONFIG = Symbol('LedgerConfig');

/** A configuration value that cannot be used; start-up stops with this message. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_SYSTEMS = 'crm,call-recordings,analytics,backups';

const HOUR_MS = 3_600_000;

/**
 * Requests a minute per key per instance: 10,000/s, five times the ~2,000 commands/s one
 * instance serves on 2 cores (docs/performance.md), so a busy service meets the ledger's own
 * capacity long before the limit; only a loop of cheap reads from one key reaches it
 * (docs/security.md#sizing-the-rate-limit).
 */
export const DEFAULT_RATE_LIMIT = 600_000;

export const parseConfig = (env: Env): LedgerConfig => {
  const requestTimeoutMs = integer(env, 'LEDGER_REQUEST_TIMEOUT_MS', 30_000, 1_000, 3_600_000);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    dataDir: resolve(text(env, 'LEDGER_DATA_DIR') ?? './data'),
    eventStoreConnectionString: connectionString(env, 'EVENTSTORE_CONNECTION_STRING', ['esdb:', 'esdb+discover:']),
    mongodbUrl: connectionString(env, 'MONGODB_URL', ['mongodb:', 'mongodb+srv:']),
    signingKey: text(env, 'LEDGER_SIGNING_KEY'),
    erasureDays: integer(env, 'LEDGER_ERASURE_DAYS', 30, 1, 3650),
    erasureSystems: systems(env, 'LEDGER_ERASURE_SYSTEMS'),
    grievanceDays: optionalInteger(env, 'LEDGER_GRIEVANCE_DAYS', 1, 3650),
    jurisdiction: country(env, 'LEDGER_JURISDICTION', 'IN'),
    masterKey: masterKeyOf(env, 'LEDGER_MASTER_KEY'),
    production: isProduction(env),
    logLevel: oneOf(env, 'LEDGER_LOG_LEVEL', LOG_LEVELS, 'info'),
    apiKeys: apiKeysOf(env),
    rateLimit: integer(env, 'LEDGER_RATE_LIMIT', DEFAULT_RATE_LIMIT, 0, 100_000_000),
    requestTimeoutMs,
    sseHeartbeatMs: heartbeat(env, 'LEDGER_SSE_HEARTBEAT_MS', requestTimeoutMs),
    corsOrigins: origins(env, 'LEDGER_CORS_ORIGINS'),
    groupCommitMaxBatch: integer(env, 'LEDGER_GROUP_COMMIT_MAX_BATCH', 256, 1, 10_000),
    stateCacheSubjects: integer(env, 'LEDGER_STATE_CACHE_SUBJECTS', 10_000, 0, 10_000_000),
    projectionLeaseTtlMs: integer(env, 'LEDGER_PROJECTION_LEASE_TTL_MS', 10_000, 500, 600_000),
    readYourWritesTimeoutMs: integer(env, 'LEDGER_READ_YOUR_WRITES_TIMEOUT_MS', 2_000, 100, 60_000),
    role: oneOf(env, 'LEDGER_ROLE', LEDGER_ROLES, 'all'),
    webhookRetryWindowMs: integer(env, 'LEDGER_WEBHOOK_RETRY_WINDOW_HOURS', 72, 1, 24 * 30) * HOUR_MS,
    webhookSecretOverlapMs: integer(env, 'LEDGER_WEBHOOK_SECRET_OVERLAP_HOURS', 24, 0, 24 * 30) * HOUR_MS,
    webhookAllowPrivate: oneOf(env, 'LEDGER_WEBHOOK_ALLOW_PRIVATE', ['true', 'false'], 'false') === 'true',
    webhookPollMs: integer(env, 'LEDGER_WEBHOOK_POLL_MS', 500, 10, 60_000),
    testCrashAt: crashPointOf(env, 'LEDGER_TEST_CRASH_AT'),
    tracing: tracingOf(env),
  };
};

/**
 * Tracing is on when an OTLP endpoint is set (the standard variables, so an OpenTelemetry
 * Operator or a platform's injected settings turn it on too), unless OTEL_SDK_DISABLED=true.
 */
const tracingOf = (env: Env): TracingSettings | undefined => {
  const disabled = oneOf(env, 'OTEL_SDK_DISABLED', ['true', 'false'], 'false') === 'true';
  const tracesEndpoint = otlpEndpoint(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = otlpEndpoint(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const protocol = oneOf(
    env,
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    OTLP_PROTOCOLS,
    oneOf(env, 'OTEL_EXPORTER_OTLP_PROTOCOL', OTLP_PROTOCOLS, 'http/protobuf'),
  );
  const serviceName = text(env, 'OTEL_SERVICE_NAME') ?? 'privacy-ledger';
  const chosen = tracesEndpoint ?? endpoint;
  if (disabled || chosen === undefined) return undefined;
  return { endpoint: chosen, protocol, serviceName };
};

const otlpEndpoint = (env: Env, name: string): string | undefined => {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, 'must start with http:// or https://');
  return raw;
};

/**
 * A connection silent for twice the request timeout is closed (app.factory.ts): a heartbeat must
 * come sooner. Unset, it is 15 s, or the request timeout when that is shorter, so that a short
 * LEDGER_REQUEST_TIMEOUT_MS alone never stops start-up.
 */
const heartbeat = (env: Env, name: string, requestTimeoutMs: number): number => {
  const value = integer(env, name, Math.min(15_000, requestTimeoutMs), 100, 600_000);
  if (value >= 2 * requestTimeoutMs) {
    throw new ConfigError(name, `must be shorter than twice LEDGER_REQUEST_TIMEOUT_MS (${2 * requestTimeoutMs} ms), got ${value}`);
  }
  return value;
};

/**
 * A 256-bit key written as 64 hex digits or as base64 (standard or URL-safe alphabet,
 * padding optional); null for anything else, including a key of another length.
 */
export const decodeMasterKey = (raw: string): Buffer | null => {
  const value = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const standard = value.replace(/-/g, '+').replace(/_/g, '/').replace(/=$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(standard)) return null;
  const key = Buffer.from(standard, 'base64');
  // The 43rd character carries 2 spare bits: a non-canonical spelling is a typo, not a key.
  return key.length === 32 && key.toString('base64').slice(0, 43) === standard ? key : null;
};

/** The crash tests' hook (src/platform/crash-point.ts): a server that kills itself has no place in production. */
const crashPointOf = (env: Env, name: string): ArmedCrashPoint | undefined => {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (isProduction(env)) throw new ConfigError(name, 'is a test hook and cannot be set when NODE_ENV=production');
  const [point, where, ...rest] = raw.split(':');
  if (!(CRASH_POINTS as readonly string[]).includes(point ?? '') || where === '' || rest.length > 0)
    throw new ConfigError(name, `must be one of ${CRASH_POINTS.join(', ')}, optionally followed by :<projection name>`);
  return { point: point as CrashPoint, ...(where !== undefined && { where }) };
};

const isProduction = (env: Env): boolean => text(env, 'NODE_ENV') === 'production';

/** Required in production: a generated key next to the data it protects is for development only. */
const masterKeyOf = (env: Env, name: string): Buffer | undefined => {
  const raw = text(env, name);
  if (raw === undefined && isProduction(env)) {
    throw new ConfigError(
      name,
      'is required when NODE_ENV=production: 32 random bytes as base64 (e.g. `openssl rand -base64 32`) or 64 hex digits',
    );
  }
  if (raw === undefined) return undefined;
  const key = decodeMasterKey(raw);
  if (key === null) throw new ConfigError(name, 'must be 32 bytes written as base64 (44 characters) or as 64 hex digits');
  return key;
};

/** Keys from the variable or from a file, never both; required in production (no generated admin key there). */
const apiKeysOf = (env: Env): ApiKey[] | undefined => {
  const inline = text(env, 'LEDGER_API_KEYS');
  const file = text(env, 'LEDGER_API_KEYS_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError('LEDGER_API_KEYS_FILE', 'cannot be set together with LEDGER_API_KEYS: choose one');
  }
  if (inline === undefined && file === undefined) {
    if (isProduction(env)) {
      throw new ConfigError(
        'LEDGER_API_KEYS',
        'is required when NODE_ENV=production (or LEDGER_API_KEYS_FILE): a JSON array of {"name", "role", "tenants", "keySha256"}',
      );
    }
    return undefined;
  }
  const [name, json] = inline !== undefined ? ['LEDGER_API_KEYS', inline] : ['LEDGER_API_KEYS_FILE', readKeysFile(file as string)];
  try {
    return parseApiKeys(json);
  } catch (error) {
    if (error instanceof InvalidApiKeys) throw new ConfigError(name, error.message);
    throw error;
  }
};

const readKeysFile = (path: string): string => {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch (error) {
    throw new ConfigError('LEDGER_API_KEYS_FILE', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
};

/** Exact origins (scheme, host, optional port): a browser sends nothing else in `Origin`. */
const origins = (env: Env, name: string): string[] => {
  const list = (text(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const origin of list) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(name, `"${origin}" is not an origin like https://ops.example.com (scheme, host and port only)`);
    }
  }
  return list.map((origin) => origin.replace(/\/$/, ''));
};

const text = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const integer = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
};

/** Unset means "no fixed number" (the caller has a calendar rule instead), not a default. */
const optionalInteger = (env: Env, name: string, min: number, max: number): number | undefined =>
  text(env, name) === undefined ? undefined : integer(env, name, 0, min, max);

const connectionString = (env: Env, name: string, schemes: readonly string[]): string | undefined => {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    url = clusterUrl(raw, name);
  }
  if (!schemes.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${schemes.map((s) => `${s}//`).join(' or ')}`);
  }
  return raw;
};

/**
 * MongoDB and EventStoreDB name every member of a cluster in one authority
 * (`mongodb://user:pw@m1:27017,m2:27017/ledger?replicaSet=rs0`), which the WHATWG URL parser
 * refuses: each host is checked on its own, and the URL with the first one.
 */
const clusterUrl = (raw: string, name: string): URL => {
  const match = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)([^/?#]*)(.*)$/i.exec(raw);
  const hosts = match?.[2]?.split(',') ?? [];
  try {
    if (match === null || hosts.length < 2 || hosts.some((host) => host === '' || new URL(`${match[1]}${host}`).host === ''))
      throw new Error();
    return new URL(`${match[1]}${hosts[0]}${match[3]}`);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
};

const systems = (env: Env, name: string): string[] => {
  const list = (text(env, name) ?? DEFAULT_SYSTEMS)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new ConfigError(name, 'must name at least one system');
  const bad = list.find((s) => !SYSTEM_ID_PATTERN.test(s));
  if (bad !== undefined) throw new ConfigError(name, `"${bad}" is not a valid system id (lower-case letters, digits, ._-)`);
  if (new Set(list).size !== list.length) throw new ConfigError(name, 'names a system twice');
  return list;
};

const oneOf = <T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T => {
  const value = text(env, name)?.toLowerCase() ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
};

const country = (env: Env, name: string, fallback: string): string => {
  const value = (text(env, name) ?? fallback).toUpperCase();
  if (!isISO31661Alpha2(value)) throw new ConfigError(name, `must be an ISO 3166-1 alpha-2 country code, got "${value}"`);
  return value;
};
