import type { StoredEvent } from '../../event-store/event-store.port.js';

/** One event a command wrote, as its answer lists it. */
export interface WrittenEvent {
  readonly id: string;
  readonly type: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
}

/** The answer body of a subject command (api.md): the subject and the events written. */
export interface SubjectCommandBody {
  readonly subjectId: string;
  /** Only when the command lodged a grievance: the id to resolve it by (also in the event). */
  readonly grievanceId?: string;
  readonly events: readonly WrittenEvent[];
}

/** What every command answers (api.md): 201 with the events written, or 200 with none. */
export interface CommandOutcome<Body extends { readonly events: readonly WrittenEvent[] } = SubjectCommandBody> {
  readonly status: 200 | 201;
  readonly body: Body;
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
