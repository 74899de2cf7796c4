import type { TracingSettings } from '../../config/ledger-config.js';

/** Where the spans of this thread go, for the log line at start-up. */
export interface TracingStarted {
  readonly endpoint: string;
  readonly protocol: string;
}

let stopSdk: (() => Promise<void>) | undefined;

/**
 * Loads and starts the OpenTelemetry SDK when tracing is configured; with `settings` undefined
 * nothing is imported and the ledger's spans stay on the API's no-op tracer. Called before the
 * app's modules are imported (src/main.ts, src/projector.worker.ts): the request spans attach to
 * Fastify as it is created. `http`: whether this thread serves requests (the projector worker
 * does not).
 */
export const startTracing = async (settings: TracingSettings | undefined, http: boolean): Promise<TracingStarted | undefined> => {
  if (settings === undefined || stopSdk !== undefined) return undefined;
  const { startSdk } = await import('./tracing-sdk.js');
  stopSdk = startSdk(settings, http);
  return { endpoint: originOf(settings.endpoint), protocol: settings.protocol };
};

/** Exports the spans still buffered and stops the SDK; nothing to do when tracing is off. */
export const stopTracing = async (): Promise<void> => {
  const stop = stopSdk;
  stopSdk = undefined;
  await stop?.();
};

/** Only scheme, host and port go to the log: a URL's user part or query could hold a secret. */
const originOf = (endpoint: string): string => {
  try {
    return new URL(endpoint).origin;
  } catch {
    return '(endpoint)';
  }
};
