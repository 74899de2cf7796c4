import Sequencer from '@jest/test-sequencer';

/** Guessed durations (ms) by tier, for files Jest has not timed yet (a first run, a new file). */
const GUESS = { crash: 60_000, e2e: 10_000, 'e2e-mongodb': 20_000, int: 3_000, unit: 500 };

/**
 * Jest's order (files that failed last time first, then the slowest), except that a file
 * without a recorded duration is placed by its tier's guess instead of being run first: on a
 * cold cache the long crash tests start at once rather than last, where they would be the
 * tail of the run.
 */
export default class SlowestFirst extends Sequencer {
  sort(tests) {
    for (const test of tests) test.duration = this.time(test);
    const expected = (test) => test.duration ?? GUESS[test.context.config.displayName?.name] ?? 0;
    return [...tests].sort((a, b) => Number(this.hasFailed(b)) - Number(this.hasFailed(a)) || expected(b) - expected(a));
  }
}
