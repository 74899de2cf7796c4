import { validationFailed } from '../../domain/ledger-error.js';
import { MAX_FUTURE_SKEW_MS } from './command-request.factory.js';

/**
 * A time the caller states in a body field other than `occurredAt` (a grievance's
 * `receivedAt`, `resolvedAt`) that becomes the event's `occurredAt`: the same clock-skew
 * rule as `occurredAt`, but the refusal names the field the caller actually sent.
 */
export const callerInstant = (field: string, value: string, now: Date): string => {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw validationFailed([{ field, message: `${field} is not a real date-time` }]);
  if (at - now.getTime() > MAX_FUTURE_SKEW_MS) {
    throw validationFailed([{ field, message: `${field} must not be more than 5 minutes in the future` }]);
  }
  return new Date(at).toISOString();
};
