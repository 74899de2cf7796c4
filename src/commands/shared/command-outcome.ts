/** What every command answers (api.md): 201 with the events written, or 200 with none. */
export interface CommandOutcome {
  readonly status: 200 | 201;
  readonly body: {
    readonly subjectId: string;
    readonly events: readonly {
      readonly id: string;
      readonly type: string;
      readonly streamPosition: number;
      readonly globalPosition: number;
    }[];
  };
}
