import type { StoredEvent } from '../../event-store/event-store.port.js';

/** What every command answers (api.md): 201 with the events written, or 200 with none. */
export interface CommandOutcome {
  readonly status: 200 | 201;
  readonly body: {
    readonly subjectId: string;
    /** Only when the command lodged a grievance: the id to resolve it by (also in the event). */
    readonly grievanceId?: string;
    readonly events: readonly {
      readonly id: string;
      readonly type: string;
      readonly streamPosition: number;
      readonly globalPosition: number;
    }[];
  };
}

/**
 * The id a caller needs next and cannot know in advance, lifted from the events written:
 * a lodged grievance is later resolved by its `grievanceId`. Taken from the stored events,
 * so the answer rebuilt after a crash (from the stream) carries it as well.
 */
export const createdIds = (events: readonly StoredEvent[]): { grievanceId?: string } => {
  const grievanceId = events.find((event) => event.type === 'grievance-lodged')?.data['grievanceId'];
  return typeof grievanceId === 'string' ? { grievanceId } : {};
};
