import type { components } from './generated/ledger-api.js';

/** Every problem `code` of the ledger version this client was generated from (the `ProblemCode` schema). */
export type ProblemCode = components['schemas']['ProblemCode'];

/** The ledger's one error shape, RFC 9457 problem details. */
export type Problem = components['schemas']['Problem'];

/**
 * A problem+json answer of the ledger, thrown by the client's helpers. `code` is one of
 * `ProblemCode`, or a code added by a later ledger version, which this client passes on as it is.
 */
export class LedgerProblem extends Error {
  override readonly name = 'LedgerProblem';
  readonly status: number;
  // `string & {}` keeps the known codes' completion while admitting later ones.
  readonly code: ProblemCode | (string & {});
  readonly errors: NonNullable<Problem['errors']>;

  constructor(
    readonly problem: Problem,
    /** The answer, e.g. for its `Retry-After` header. */
    readonly response: Response,
  ) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.errors = problem.errors ?? [];
  }

  /** Whether this is the problem `code` (one of them, with several): narrows `code`. */
  is<C extends ProblemCode>(...codes: C[]): this is LedgerProblem & { readonly code: C } {
    return (codes as string[]).includes(this.code);
  }
}

/** Whether `error` is a problem of the ledger, and with `codes`, one of those (which narrows `code`). */
export function isLedgerProblem(error: unknown): error is LedgerProblem;
export function isLedgerProblem<C extends ProblemCode>(
  error: unknown,
  ...codes: [C, ...C[]]
): error is LedgerProblem & { readonly code: C };
export function isLedgerProblem(error: unknown, ...codes: ProblemCode[]): boolean {
  return error instanceof LedgerProblem && (codes.length === 0 || error.is(...codes));
}

/** An error answer that is not problem+json (a proxy's page, say): the ledger itself always answers problems. */
export class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswerError';

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly response: Response,
  ) {
    super(`unexpected answer ${status} (${response.headers.get('content-type') ?? 'no content type'})`);
  }
}

/** The error a failed answer stands for, from openapi-fetch's parsed `error`. */
export const errorOf = (error: unknown, response: Response): LedgerProblem | UnexpectedAnswerError => {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('application/problem+json') && isProblemBody(error)) return new LedgerProblem(error, response);
  return new UnexpectedAnswerError(response.status, error, response);
};

const isProblemBody = (body: unknown): body is Problem =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Problem).code === 'string' &&
  typeof (body as Problem).status === 'number' &&
  typeof (body as Problem).detail === 'string';
