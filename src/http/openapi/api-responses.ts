import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiProduces, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { CommandAnswerDto } from './command-answer.dto.js';
import { ProblemDto } from './problem.dto.js';

export const PROBLEM_JSON = 'application/problem+json';
export const CSV = 'text/csv';
export const NDJSON = 'application/x-ndjson';
export const SSE = 'text/event-stream';

/**
 * What each problem status means on this API (api.md's error table). 401, 403 and 429 come
 * from access control and rate limiting, which guard every route: declared on all of them,
 * so that a client handles them and a conformance check accepts them.
 */
const PROBLEMS = {
  400: 'The request is not valid (`validation-failed` naming each field in `errors`, or `malformed-json`).',
  401: 'No API key, or one the ledger does not know (`Authorization: Bearer <key>`).',
  403: "The API key's role or tenants do not allow this request.",
  404: 'Not found.',
  409: 'The rules say no (`consent-not-active`, `erasure-already-open`, `no-open-erasure`, `subject-erased`, `concurrent-modification`, ...).',
  413: 'The body is over 64 KiB (`payload-too-large`).',
  415: 'The body is not JSON (`unsupported-media-type`).',
  422: 'Well-formed but not acceptable (`unknown-system`, `idempotency-key-reused`, `unknown-policy-version`).',
  429: 'Too many requests; retry after the time the `Retry-After` header gives.',
  503: 'A store is unreachable (`store-unavailable`) or the read models have not reached `atLeast` within 2 s (`read-model-lagging`); retry after `Retry-After` seconds.',
} as const;
export type ProblemStatus = keyof typeof PROBLEMS;

/** Statuses any route can answer, whatever its input. */
const ALWAYS: readonly ProblemStatus[] = [401, 403, 429, 503];

export const problemContent = { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDto) } } };

/** One problem+json response per status; `descriptions` overrides the generic wording. */
export const ApiProblems = (
  statuses: readonly ProblemStatus[],
  descriptions: Partial<Record<ProblemStatus, string>> = {},
  /** Statuses the route describes itself (e.g. /health's 503 with its own body). */
  without: readonly ProblemStatus[] = [],
) =>
  applyDecorators(
    ApiExtraModels(ProblemDto),
    ...[...new Set([...statuses, ...ALWAYS])]
      .filter((status) => !without.includes(status))
      .sort((a, b) => a - b)
      .map((status) => ApiResponse({ status, description: descriptions[status] ?? PROBLEMS[status], content: problemContent })),
  );

/** A read answering JSON, and with `csv` also `text/csv` when the caller's Accept asks for it. */
export const ApiRead = (
  type: Type<unknown>,
  options: {
    description: string;
    csv?: boolean;
    problems?: readonly ProblemStatus[];
    problemDescriptions?: Partial<Record<ProblemStatus, string>>;
  },
) =>
  applyDecorators(
    ApiExtraModels(type),
    ApiProduces('application/json', ...(options.csv ? [CSV] : []), PROBLEM_JSON),
    ApiResponse({
      status: 200,
      description: options.description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        ...(options.csv && { [CSV]: { schema: { type: 'string', description: 'RFC 4180 CSV with a header row (`Accept: text/csv`).' } } }),
      },
    }),
    ApiProblems(options.problems ?? [400], options.problemDescriptions),
  );

/**
 * A route answering one fixed document that is not JSON (a PEM key, a page, an asset), as
 * text: `ApiFile('application/x-pem-file', 'SPKI PEM.')`.
 */
export const ApiFile = (mediaType: string, description: string, problems: readonly ProblemStatus[] = []) =>
  applyDecorators(
    ApiProduces(mediaType, PROBLEM_JSON),
    ApiResponse({ status: 200, description, content: { [mediaType]: { schema: { type: 'string' } } } }),
    ApiProblems(problems),
  );

/**
 * Every command: 201 with the events written, 200 when it changed nothing (a repeat), the
 * headers that make it traceable and retry-safe, and the problems a command can meet.
 */
/** command-request.factory.ts reads these headers as 1-255 visible ASCII characters. */
const HEADER_TOKEN = { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', maxLength: 255 } as const;

export const ApiCommand = (
  options: {
    answer?: Type<unknown>;
    problems?: readonly ProblemStatus[];
    problemDescriptions?: Partial<Record<ProblemStatus, string>>;
  } = {},
) => {
  const answer = options.answer ?? CommandAnswerDto;
  const content = { 'application/json': { schema: { $ref: getSchemaPath(answer) } } };
  return applyDecorators(
    ApiExtraModels(answer),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes a retry safe: the same key with the same body answers the first answer again and writes nothing; with another body, 422 `idempotency-key-reused`.',
      schema: HEADER_TOKEN,
    }),
    ApiHeader({
      name: 'X-Actor',
      required: false,
      description: 'Who is acting (a service or person id), recorded in the event metadata.',
      schema: HEADER_TOKEN,
    }),
    ApiHeader({
      name: 'X-Correlation-Id',
      required: false,
      description: 'Ties the events to the caller’s own request; generated when absent.',
      schema: HEADER_TOKEN,
    }),
    ApiProduces('application/json', PROBLEM_JSON),
    ApiResponse({ status: 201, description: 'Recorded: the events written, in order.', content }),
    ApiResponse({ status: 200, description: 'Nothing changed (the fact was already recorded): `events` is empty.', content }),
    ApiProblems([400, 409, 413, 415, 422, ...(options.problems ?? [])], options.problemDescriptions),
  );
};
