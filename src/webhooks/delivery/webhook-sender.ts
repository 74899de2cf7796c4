import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from '../../platform/network-address.js';
import type { WebhookHeaders } from './webhook-signature.js';

/** A receiver has this long to answer (connect, send, and the response's headers and body). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** What is read of a response body: receivers are told to answer 2xx fast and small. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendResult {
  /** The HTTP status, or null when no response came (refused, timed out, unreachable). */
  readonly status: number | null;
  readonly retryAfter: string | undefined;
  /** Why it did not count as delivered (null for a 2xx). */
  readonly error: string | null;
}

/**
 * Resolves like the system resolver, then refuses loopback, link-local and private addresses:
 * the check is made on the very address connected to, so a name that resolved to a public
 * address when the subscription was made and to a private one now (DNS rebinding) is refused.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) {
      return callback(
        Object.assign(new Error(`${hostname} resolves to ${blocked.address}, a loopback, link-local or private address`), {
          code: 'EPRIVATE',
        }),
        '',
        0,
      );
    }
    if (options.all) return callback(null, addresses, 0);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 0);
    return callback(null, first.address, first.family);
  });
};

/**
 * One POST of a signed body. Redirects are not followed (a 3xx is a failure: the receiver
 * must give its final URL). Only a 2xx counts. A literal private IP in the URL is refused
 * here too, since no lookup happens for it.
 */
export const sendWebhook = (url: string, body: string, headers: WebhookHeaders, allowPrivate: boolean): Promise<SendResult> =>
  new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, retryAfter: undefined, error: 'the URL is not valid' });
      return;
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && /^[\d.]+$|:/.test(host) && isPrivateAddress(host)) {
      resolve({ status: null, retryAfter: undefined, error: `${host} is a loopback, link-local or private address` });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const done = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const outgoing = send(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'privacy-ledger-webhooks',
        },
        ...(!allowPrivate && { lookup: guardedLookup }),
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const finish = () => {
          const status = response.statusCode ?? null;
          const ok = status !== null && status >= 200 && status < 300;
          const retryAfter = response.headers['retry-after'];
          done({ status, retryAfter, error: ok ? null : `the receiver answered ${status}` });
        };
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`));
    }, DELIVERY_TIMEOUT_MS);
    outgoing.on('error', (error) => done({ status: null, retryAfter: undefined, error: error.message }));
    outgoing.end(body);
  });
