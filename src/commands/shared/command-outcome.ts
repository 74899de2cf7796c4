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
  readonly events: readonly WrittenEvent[];
}

/** What every command answers (api.md): 201 with the events written, or 200 with none. */
export interface CommandOutcome<Body extends { readonly events: readonly WrittenEvent[] } = SubjectCommandBody> {
  readonly status: 200 | 201;
  readonly body: Body;
}
