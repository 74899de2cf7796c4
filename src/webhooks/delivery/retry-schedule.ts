/** How retries are spaced: the first after about BASE_DELAY_MS, doubling, never more than MAX_DELAY_MS apart. */
export const BASE_DELAY_MS = 10_000;
export const MAX_DELAY_MS = 3_600_000;

/**
 * The wait before retry number `attempt` (1 after the first failure): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that the retries of many deliveries that failed
 * together (a receiver's outage) spread out instead of arriving together. `random` in [0, 1).
 */
export const backoffDelayMs = (attempt: number, random: number = Math.random()): number => {
  const exponential = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.floor(exponential / 2 + (exponential / 2) * random);
};

/**
 * `Retry-After` in milliseconds from `now`: delay-seconds or an HTTP date; null when absent or
 * unreadable. A date in the past means "now" (0).
 */
export const retryAfterMs = (header: string | undefined, now: Date): number | null => {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
};

/**
 * When to try again after a failed attempt at `now`, or null when the retry window (from the
 * window's start) has run out: then the delivery is dead. The receiver's Retry-After wins over
 * the backoff; either is cut to the window's end, so the last try falls on its edge.
 */
export const nextAttemptAt = (options: {
  readonly attempts: number;
  readonly now: Date;
  readonly windowStartedAt: Date;
  readonly windowMs: number;
  readonly retryAfterMs: number | null;
  readonly random?: number;
}): Date | null => {
  const end = options.windowStartedAt.getTime() + options.windowMs;
  const now = options.now.getTime();
  if (now >= end) return null;
  const wait = options.retryAfterMs ?? backoffDelayMs(options.attempts, options.random);
  return new Date(Math.min(end, now + wait));
};
