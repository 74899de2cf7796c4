/** Time comes from here so that tests can move it (erasure deadlines, `occurredAt` limits). */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };
