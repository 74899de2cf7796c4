import { MongoBulkWriteError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } from 'mongodb';

/** Shared by every MongoDB adapter (read store, idempotency, subject keys): what "unavailable" means, and where the database is named. */
export const isUnavailable = (error: unknown): boolean => {
  if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError || error instanceof MongoNotConnectedError) {
    return true;
  }
  // A bulk write that could not reach the server comes back as a MongoBulkWriteError with
  // no write errors, carrying the network error as its error response.
  if (error instanceof MongoBulkWriteError) return isUnavailable(error.errorResponse as unknown);
  // A server that died while a pooled connection was idle: the driver's next write on that
  // socket fails with Node's own error ("This socket has been ended by the other party",
  // EPIPE), not a MongoNetworkError (found by test/crash/ferretdb-killed.crash.spec.ts).
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SOCKET_ERROR_CODES.has(code);
};

const SOCKET_ERROR_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ENOTCONN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The database in the URL's path, e.g. `mongodb://host:27017/ledger?replicaSet=rs0`. */
export const databaseOf = (url: string): string => {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url)?.[1] ?? '';
  return path === '' ? 'ledger' : decodeURIComponent(path);
};
