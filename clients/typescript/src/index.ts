export {
  createLedgerClient,
  positionAfter,
  type CommandAnswer,
  type CommandOptions,
  type ConfirmErasure,
  type GiveConsent,
  type LedgerApi,
  type LedgerClient,
  type LedgerClientOptions,
  type ReadAfter,
  type ReadOptions,
  type RecordTransfer,
  type RequestErasure,
  type SubjectHistory,
  type SubjectRef,
  type SubjectStatus,
  type WithdrawConsent,
} from './ledger-client.js';
export { isLedgerProblem, LedgerProblem, UnexpectedAnswerError, type Problem, type ProblemCode } from './problem.js';
export { retryAfterMs, retryingFetch, type FetchRequest, type RetryOptions } from './retry.js';
export type { components, operations, paths } from './generated/ledger-api.js';
