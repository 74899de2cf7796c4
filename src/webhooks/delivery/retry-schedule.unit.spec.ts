import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs, BASE_DELAY_MS, MAX_DELAY_MS, nextAttemptAt, retryAfterMs } from './retry-schedule.js';

const HOUR = 3_600_000;

describe('webhook retry schedule', () => {
  it('doubles the wait per attempt, between half and all of it (jitter)', () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const full = BASE_DELAY_MS * 2 ** (attempt - 1);
      expect(backoffDelayMs(attempt, 0)).toBe(full / 2);
      expect(backoffDelayMs(attempt, 0.999999)).toBeLessThanOrEqual(full);
      expect(backoffDelayMs(attempt, 0.999999)).toBeGreaterThan(full * 0.99);
    }
  });

  it('never waits longer than the cap, however many attempts', () => {
    expect(backoffDelayMs(40, 0.999999)).toBeLessThanOrEqual(MAX_DELAY_MS);
    expect(backoffDelayMs(40, 0)).toBe(MAX_DELAY_MS / 2);
  });

  it('spreads retries of deliveries that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(5)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });

  describe('the next attempt', () => {
    const windowStartedAt = new Date('2026-01-01T00:00:00Z');
    const windowMs = 72 * HOUR;

    it('follows the backoff inside the window', () => {
      const now = new Date('2026-01-01T01:00:00Z');
      expect(nextAttemptAt({ attempts: 1, now, windowStartedAt, windowMs, retryAfterMs: null, random: 0 })).toEqual(
        new Date(now.getTime() + BASE_DELAY_MS / 2),
      );
    });

    it('takes the receiver’s Retry-After over the backoff', () => {
      const now = new Date('2026-01-01T01:00:00Z');
      expect(nextAttemptAt({ attempts: 1, now, windowStartedAt, windowMs, retryAfterMs: 2 * HOUR })).toEqual(
        new Date('2026-01-01T03:00:00Z'),
      );
    });

    it('falls on the window’s edge at the latest', () => {
      const now = new Date('2026-01-03T23:59:00Z');
      expect(nextAttemptAt({ attempts: 12, now, windowStartedAt, windowMs, retryAfterMs: null, random: 0.5 })).toEqual(
        new Date('2026-01-04T00:00:00Z'),
      );
    });

    it('is none once the window has run out: the delivery is dead', () => {
      expect(
        nextAttemptAt({ attempts: 12, now: new Date('2026-01-04T00:00:00Z'), windowStartedAt, windowMs, retryAfterMs: null }),
      ).toBeNull();
    });
  });
});
