/** One event a command wrote, as its answer lists it. */
export interface WrittenEvent {
  readonly id: string;
  readonly type: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
}

/** A command's answer body: whatever names what it was about, and the events written. */
export type CommandBody = { readonly events: readonly WrittenEvent[] };

/** The answer body of a subject command (api.md): the subject and the events written. */
export interface SubjectCommandBody extends CommandBody {
  readonly subjectId: string;
  /** Only when the command lodged a grievance: the id to resolve it by (also in the event). */
  readonly grievanceId?: string;
}

/** A policy command's answer: the tenant and version it was about, and the events written. */
export interface PolicyCommandBody extends CommandBody {
  readonly tenantId: string;
  readonly version: string;
}

/** What every command answers (api.md): 201 with the events written, or 200 with none. */
export interface CommandOutcome<Body extends CommandBody> {
  readonly status: 200 | 201;
  readonly body: Body;
}
