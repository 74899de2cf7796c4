import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './generated/ledger-api.js';
import { errorOf } from './problem.js';
import { retryingFetch, type FetchRequest, type RetryOptions } from './retry.js';

export type CommandAnswer = components['schemas']['CommandAnswer'];
type JsonBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
export type GiveConsent = JsonBody<operations['giveConsent']>;
export type WithdrawConsent = JsonBody<operations['withdrawConsent']>;
export type RecordTransfer = JsonBody<operations['recordTransfer']>;
export type RequestErasure = JsonBody<operations['requestErasure']>;
export type ConfirmErasure = JsonBody<operations['confirmErasure']>;
type JsonAnswer<O> = O extends { responses: { 200: { content: { 'application/json': infer A } } } } ? A : never;
export type SubjectStatus = JsonAnswer<operations['getSubjectStatus']>;
export type SubjectHistory = JsonAnswer<operations['getSubjectHistory']>;

/** The raw typed client (openapi-fetch) over every route of the API, JSON answers only. */
export type LedgerApi = Client<paths, 'application/json'>;

export interface LedgerClientOptions {
  /** Where the ledger is, e.g. `http://privacy-ledger:3000`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** `X-Actor` of every command unless a call names another: who acts, e.g. the service's name. */
  readonly actor?: string;
  /** Retries of `503`/`429` after `Retry-After`; see RetryOptions for the defaults. */
  readonly retry?: RetryOptions;
  /** The fetch to send requests with; default the global one. */
  readonly fetch?: FetchRequest;
  /** A fresh Idempotency-Key for a command that names none; default a random UUID. */
  readonly newIdempotencyKey?: () => string;
}

export interface CommandOptions {
  /**
   * The command's `Idempotency-Key`. Default a fresh one per call, which the client's own retries
   * reuse; give your own (e.g. your message id) to make your retries of the call safe as well.
   */
  readonly idempotencyKey?: string;
  readonly actor?: string;
  readonly correlationId?: string;
}

/** Which subject a call is about. */
export interface SubjectRef {
  readonly tenantId: string;
  readonly subjectId: string;
}

/** A read's `atLeast`: a global position, or a command's answer (its last event's position). */
export type ReadAfter = number | CommandAnswer;

export interface ReadOptions {
  /** Read your writes: wait until the read models have processed this position (or this answer's events). */
  readonly atLeast?: ReadAfter;
}

/**
 * The position a read must reach to show a command's effect: its last event's `globalPosition`.
 * Undefined for an answer with no events (a repeat that changed nothing), which needs no wait.
 */
export const positionAfter = (answer: CommandAnswer): number | undefined => answer.events.at(-1)?.globalPosition;

const atLeastOf = (after: ReadAfter | undefined): number | undefined => (typeof after === 'object' ? positionAfter(after) : after);

/** What openapi-fetch answers: `data` on success, `error` (the parsed body) otherwise. */
type Answer = { data?: unknown; error?: unknown; response: Response };

/** The answer's data, or the LedgerProblem (or UnexpectedAnswerError) it stands for, thrown. */
const dataOf = async <A extends Answer>(call: Promise<A>): Promise<NonNullable<A['data']>> => {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw errorOf(error, response);
  return data as NonNullable<A['data']>;
};

/**
 * A client of the ledger's HTTP API for internal services: typed commands that each send one
 * Idempotency-Key (reused by the retries of 503 and 429 after their Retry-After), typed reads
 * with `atLeast`, problems thrown as LedgerProblem with a typed `code`, and `api`, the typed
 * client of every route for anything else.
 */
export const createLedgerClient = (options: LedgerClientOptions) => {
  const newKey = options.newIdempotencyKey ?? (() => globalThis.crypto.randomUUID());
  const send: FetchRequest = options.fetch ?? ((request) => globalThis.fetch(request));
  const api: LedgerApi = createClient<paths, 'application/json'>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: retryingFetch(send, options.retry),
  });

  /**
   * The headers of one command, with its Idempotency-Key chosen once: for `api.POST` calls to
   * routes without a helper here, e.g. `{ params: { path, header: ledger.commandHeaders() }, body }`.
   */
  const commandHeaders = (command: CommandOptions = {}) => {
    const actor = command.actor ?? options.actor;
    return {
      'Idempotency-Key': command.idempotencyKey ?? newKey(),
      ...(actor !== undefined && { 'X-Actor': actor }),
      ...(command.correlationId !== undefined && { 'X-Correlation-Id': command.correlationId }),
    };
  };
  const path = (subject: SubjectRef) => ({ tenantId: subject.tenantId, subjectId: subject.subjectId });

  return {
    api,
    commandHeaders,

    /** `consent-given` for each purpose not yet granted under that policy version. */
    giveConsent: (subject: SubjectRef, body: GiveConsent, command?: CommandOptions): Promise<CommandAnswer> =>
      dataOf(
        api.POST('/v1/tenants/{tenantId}/subjects/{subjectId}/consents', {
          params: { path: path(subject), header: commandHeaders(command) },
          body,
        }),
      ),

    /** `consent-withdrawn`, and `deletion-requested` when no purpose stays granted. */
    withdrawConsent: (subject: SubjectRef, body: WithdrawConsent, command?: CommandOptions): Promise<CommandAnswer> =>
      dataOf(
        api.POST('/v1/tenants/{tenantId}/subjects/{subjectId}/consents/withdrawals', {
          params: { path: path(subject), header: commandHeaders(command) },
          body,
        }),
      ),

    /** `data-transferred`; refused with `consent-not-active` for a consent-based transfer of a purpose not granted. */
    recordTransfer: (subject: SubjectRef, body: RecordTransfer, command?: CommandOptions): Promise<CommandAnswer> =>
      dataOf(
        api.POST('/v1/tenants/{tenantId}/subjects/{subjectId}/transfers', {
          params: { path: path(subject), header: commandHeaders(command) },
          body,
        }),
      ),

    /** `deletion-requested`: opens an erasure. */
    requestErasure: (subject: SubjectRef, body: RequestErasure = {}, command?: CommandOptions): Promise<CommandAnswer> =>
      dataOf(
        api.POST('/v1/tenants/{tenantId}/subjects/{subjectId}/deletion-requests', {
          params: { path: path(subject), header: commandHeaders(command) },
          body,
        }),
      ),

    /** `deletion-completed` for one system; the last system's answer also carries `subject-data-shredded`. */
    confirmErasure: (subject: SubjectRef, body: ConfirmErasure, command?: CommandOptions): Promise<CommandAnswer> =>
      dataOf(
        api.POST('/v1/tenants/{tenantId}/subjects/{subjectId}/deletion-completions', {
          params: { path: path(subject), header: commandHeaders(command) },
          body,
        }),
      ),

    /** The subject's purposes and erasure; `atLeast` to read a command's effect. */
    subjectStatus: (subject: SubjectRef, read: ReadOptions & { readonly asOf?: string } = {}): Promise<SubjectStatus> =>
      dataOf(
        api.GET('/v1/tenants/{tenantId}/subjects/{subjectId}', {
          params: { path: path(subject), query: { atLeast: atLeastOf(read.atLeast), ...(read.asOf !== undefined && { asOf: read.asOf }) } },
        }),
      ),

    /** One page of the subject's timeline, oldest first; `nextCursor` for the next. */
    subjectHistory: (
      subject: SubjectRef,
      read: ReadOptions & { readonly cursor?: string; readonly limit?: number } = {},
    ): Promise<SubjectHistory> =>
      dataOf(
        api.GET('/v1/tenants/{tenantId}/subjects/{subjectId}/history', {
          params: {
            path: path(subject),
            query: {
              atLeast: atLeastOf(read.atLeast),
              ...(read.cursor !== undefined && { cursor: read.cursor }),
              ...(read.limit !== undefined && { limit: read.limit }),
            },
          },
        }),
      ),
  };
};

export type LedgerClient = ReturnType<typeof createLedgerClient>;
