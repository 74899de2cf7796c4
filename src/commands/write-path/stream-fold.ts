import type { StoredEvent } from '../../event-store/event-store.port.js';

/**
 * How a decider sees its stream: the state before any event, and the state after more events.
 * Pure and never changing the state it is given, so that a state folded once can be kept and
 * brought up to date with only the events appended since (StreamStateCache).
 */
export interface StreamFold<State> {
  /** Names the state in the cache: the same stream folded by another decider is another entry. */
  readonly name: string;
  readonly initial: State;
  /** The state after `events`, the stream's next events in order (of any type: skip the others). */
  evolve(state: State, events: readonly StoredEvent[]): State;
}

/** For a decision that needs none of its own stream's events (it decides on another stream). */
export const NOTHING_FOLDED: StreamFold<null> = { name: 'nothing', initial: null, evolve: () => null };
