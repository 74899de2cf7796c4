import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLedgerApp } from '../../src/app.factory.js';
import { parseConfig } from '../../src/config/ledger-config.js';
import type { Clock } from '../../src/platform/clock.js';

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RunningLedger {
  readonly url: string;
  readonly dataDir: string;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<HttpAnswer<T>>;
  /** Every event of the audit stream, parsed. */
  auditEvents(query?: string): Promise<any[]>;
  close(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  clock?: Clock;
  /** Called with the app before it listens: e.g. to watch Fastify register its routes. */
  beforeListen?: (app: NestFastifyApplication) => void;
}

/**
 * When MONGODB_URL is set (CI starts FerretDB), every e2e app keeps its read models in
 * MongoDB, in a database of its own named after its data directory, so a restart on the
 * same directory finds the same read models.
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
  const config = parseConfig({
    ...mongoFor(dataDir),
    ...options.env,
    LEDGER_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const app: NestFastifyApplication = await createLedgerApp({
    config,
    logger: false,
    ...(options.clock && { clock: options.clock }),
  });
  options.beforeListen?.(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
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
  return {
    url,
    dataDir,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
    auditEvents: async (query = '') => {
      const answer = await call('GET', `/v1/audit/events${query}`, undefined);
      return answer.text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line));
    },
    close: () => app.close(),
  };
};
