import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { createLedgerApp } from '../../src/app.factory.js';
import { parseConfig } from '../../src/config/ledger-config.js';
import type { Clock } from '../../src/platform/clock.js';
import { TEST_PROJECTOR_WORKER } from './projector-worker.js';

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls as one API key; headers given to a call win over the default Authorization header. */
export interface LedgerClient {
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  /** Every event of the audit stream, parsed. */
  auditEvents(query?: string): Promise<any[]>;
}

export interface RunningLedger extends LedgerClient {
  readonly url: string;
  readonly dataDir: string;
  /** The Nest app itself, to look at a provider's state (e.g. the open live feeds). */
  readonly app: NestFastifyApplication;
  /** The same ledger called with another API key, or with none (null). */
  as(apiKey: string | null): LedgerClient;
  close(): Promise<void>;
}

/** The admin key every e2e ledger is configured with, and sends by default. */
export const E2E_ADMIN_KEY = 'e2e-admin-0123456789abcdef';
export const e2eAdminKeyEntry = { name: 'e2e-admin', role: 'admin', tenants: ['*'], key: E2E_ADMIN_KEY };

export interface StartOptions {
  dataDir?: string;
  /** Wins over the defaults; LEDGER_API_KEYS or LEDGER_API_KEYS_FILE replaces the e2e admin key ('' for no keys). */
  env?: Record<string, string>;
  clock?: Clock;
  /** Captures the app's JSON log lines (otherwise the app logs nothing); one stream per test file. */
  logStream?: DestinationStream;
  /** The key sent when a call names none; default E2E_ADMIN_KEY, null for no Authorization header. */
  apiKey?: string | null;
  /** Where the app logs; default nowhere. */
  logger?: LoggerService;
  /** Called with the app before it listens: e.g. to watch Fastify register its routes. */
  beforeListen?: (app: NestFastifyApplication) => void;
}

/**
 * When MONGODB_URL is set (the e2e-mongodb project and the crash tier in .ci/run; the e2e
 * project unsets it, see jest.config.js), an app keeps its read models, data keys and
 * idempotency records in MongoDB, in a database of its own named after its data directory, so
 * a restart on the same directory finds the same documents.
 */
export const mongoFor = (dataDir: string): Record<string, string> => {
  const base = process.env['MONGODB_URL'];
  if (!base) return {};
  const url = new URL(base);
  url.pathname = `/e2e_${basename(dataDir).replace(/[^A-Za-z0-9]/g, '_')}`;
  return { MONGODB_URL: url.toString() };
};

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'ledger-e2e-'));

export const removeDataDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** Starts the real app (Fastify, Nest, stores on disk) on a free port of 127.0.0.1. */
export const startLedger = async (options: StartOptions = {}): Promise<RunningLedger> => {
  const dataDir = options.dataDir ?? newDataDir();
  const ownKeys = options.env?.['LEDGER_API_KEYS'] !== undefined || options.env?.['LEDGER_API_KEYS_FILE'] !== undefined;
  const config = parseConfig({
    ...mongoFor(dataDir),
    // Spec files run side by side on two cores, where a read model can lag past the product's
    // 2 s `atLeast` wait; these tests check what reads show, so they wait longer. The tests of
    // the wait itself set it back to 2 s.
    LEDGER_READ_YOUR_WRITES_TIMEOUT_MS: '30000',
    ...(!ownKeys && { LEDGER_API_KEYS: JSON.stringify([e2eAdminKeyEntry]) }),
    ...options.env,
    LEDGER_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const app: NestFastifyApplication = await createLedgerApp({
    config,
    projectorWorker: TEST_PROJECTOR_WORKER,
    logger: options.logger ?? false,
    ...(options.clock && { clock: options.clock }),
    ...(options.logStream && { logStream: options.logStream }),
  });
  options.beforeListen?.(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const call = async (apiKey: string | null, method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...(apiKey !== null && { authorization: `Bearer ${apiKey}` }), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (NDJSON, CSV): keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as any, text };
  };
  const client = (apiKey: string | null): LedgerClient => ({
    post: (path, body, headers) => call(apiKey, 'POST', path, body, headers),
    get: (path, headers) => call(apiKey, 'GET', path, undefined, headers),
    auditEvents: async (query = '') => {
      const answer = await call(apiKey, 'GET', `/v1/audit/events${query}`, undefined);
      if (answer.status !== 200) throw new Error(`the audit stream answered ${answer.status}: ${answer.text}`);
      return answer.text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line));
    },
  });
  return {
    url,
    dataDir,
    app,
    ...client(options.apiKey === undefined ? E2E_ADMIN_KEY : options.apiKey),
    as: client,
    close: () => app.close(),
  };
};
