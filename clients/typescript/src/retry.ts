/** What the client sends requests through: `fetch` as openapi-fetch calls it, with a Request. */
export type FetchRequest = (request: Request) => Promise<Response>;

export interface RetryOptions {
  /** Tries in all, the first included; 1 turns retrying off. Default 3. */
  readonly attempts?: number;
  /** Statuses that are retried after their `Retry-After`. Default 503 (a store unreachable, reads lagging) and 429. */
  readonly statuses?: readonly number[];
  /**
   * The longest `Retry-After` the client waits for; a longer one is answered to the caller at
   * once (as a LedgerProblem), whose own deadline matters more than the ledger's hint. Default 10 s.
   */
  readonly maxDelayMs?: number;
  /** The wait when an answer of a retried status has no (valid) `Retry-After`. Default 1 s. */
  readonly defaultDelayMs?: number;
}

const DEFAULTS = { attempts: 3, statuses: [503, 429], maxDelayMs: 10_000, defaultDelayMs: 1_000 } as const;

/**
 * Wraps a fetch so that a `503` (or `429`) with `Retry-After` is tried again after that time,
 * a bounded number of times. Only requests that are safe to repeat are retried: reads (`GET`,
 * `HEAD`), and commands that carry an `Idempotency-Key`, which the ledger answers once and
 * replays for the same key; each try sends the same request again, key included.
 */
export const retryingFetch = (send: FetchRequest, options: RetryOptions = {}, sleep = delay): FetchRequest => {
  const attempts = Math.max(1, options.attempts ?? DEFAULTS.attempts);
  const statuses: readonly number[] = options.statuses ?? DEFAULTS.statuses;
  const maxDelayMs = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const defaultDelayMs = options.defaultDelayMs ?? DEFAULTS.defaultDelayMs;
  return async (request) => {
    const repeatable = request.method === 'GET' || request.method === 'HEAD' || request.headers.has('idempotency-key');
    if (!repeatable || attempts === 1) return send(request);
    for (let attempt = 1; ; attempt++) {
      // A clone per try: a body can be read only once.
      const response = await send(request.clone());
      if (attempt >= attempts || !statuses.includes(response.status)) return response;
      const wait = retryAfterMs(response.headers.get('retry-after'), Date.now()) ?? defaultDelayMs;
      if (wait > maxDelayMs) return response;
      // Frees the connection of the answer that is dropped.
      await response.body?.cancel();
      await sleep(wait);
    }
  };
};

/**
 * `Retry-After` in milliseconds from `now` (RFC 9110: delay-seconds or an HTTP date, a date in
 * the past meaning at once); null when absent or not valid.
 */
export const retryAfterMs = (value: string | null, now: number): number | null => {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP date form starts with the day's name; Date.parse alone would take "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
};

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
