import type { LoggerService } from '@nestjs/common';
import type { MessagePort } from 'node:worker_threads';
import type { StoreSettings, TracingSettings } from '../../config/ledger-config.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { ArmedCrashPoint } from '../../platform/crash-point.js';
import type { ProjectionHealth } from '../projection-progress.js';

/**
 * What the API thread and the projector worker (`src/projector.worker.ts`) say to each other.
 * The worker opens its own store connections from `stores`, is woken by the positions the API
 * thread's event store commits (one number per commit, on `commits`), and reports every change
 * of its projections' state or position back, which health, metrics and `?atLeast=` read.
 */
export interface ProjectorWorkerData {
  readonly stores: StoreSettings;
  readonly leaseTtlMs: number;
  readonly testCrashAt: ArmedCrashPoint | undefined;
  /** The worker exports its projection batch spans itself when tracing is on. */
  readonly tracing: TracingSettings | undefined;
  /** Receives the last committed position after each commit of the API thread. */
  readonly commits: MessagePort;
}

export type WorkerLogLevel = 'log' | 'warn' | 'error' | 'debug' | 'verbose' | 'fatal';

export type FromProjector =
  /** The runner has prepared the collections and started its loops. */
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly projections: readonly ProjectionHealth[] }
  /** The worker's log lines go out through the app's logger (JSON logs, LEDGER_LOG_LEVEL). */
  | { readonly type: 'log'; readonly level: WorkerLogLevel; readonly context: string | undefined; readonly message: string };

export type ToProjector = { readonly type: 'stop' };

/** The worker's own event store, woken by the API thread's commits instead of its own (it never appends). */
export const notifiedBy = (events: EventStore, commits: MessagePort): EventStore =>
  new Proxy(events, {
    get(target, property, receiver) {
      if (property === 'onAppended') {
        return (listener: (lastPosition: number) => void): (() => void) => {
          const onCommit = (position: number) => listener(position);
          commits.on('message', onCommit);
          return () => commits.off('message', onCommit);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });

/** Nest's logger inside the worker: every line is posted to the API thread, which logs it. */
export const forwardingLogger = (post: (message: FromProjector) => void): LoggerService => {
  const forward =
    (level: WorkerLogLevel) =>
    (message: unknown, ...params: unknown[]): void => {
      const context = params.length > 0 && typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
      post({ type: 'log', level, context, message: message instanceof Error ? message.message : String(message) });
    };
  return {
    log: forward('log'),
    warn: forward('warn'),
    error: forward('error'),
    debug: forward('debug'),
    verbose: forward('verbose'),
    fatal: forward('fatal'),
  };
};
