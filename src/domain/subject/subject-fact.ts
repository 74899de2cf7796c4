/** A fact about one data subject. `occurredAt` is when it happened in the caller's world. */
export interface Fact<Type extends string, Data> {
  readonly type: Type;
  readonly occurredAt: string;
  readonly data: Data;
}
