import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, type ErrorCode } from '../domain/ledger-error.js';
import { problem } from './problem-details.filter.js';

/** Node's limit on the request line and headers together; larger is answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

const CLIENT_ERRORS: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['headers-too-large', `The request line and headers must stay under ${MAX_HEADER_BYTES / 1024} KiB.`],
  ERR_HTTP_REQUEST_TIMEOUT: ['request-timeout', 'The request did not arrive in time.'],
};

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP parser raises before there is a request
 * (headers too large, a request too slow to arrive, bytes that are not HTTP) never reach Nest,
 * so they are written to the socket here, as the same problem+json as every other error.
 */
export const problemClientErrorHandler = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, detail] = CLIENT_ERRORS[error.code ?? ''] ?? (['validation-failed', 'The request is not valid HTTP.'] as const);
  const status = ERROR_STATUS[code];
  const body = JSON.stringify(problem(code, status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
};
