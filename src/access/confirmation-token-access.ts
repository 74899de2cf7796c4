import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../config/api-key-list.js';
import {
  CONFIRMATION_TOKEN_PREFIX,
  CONFIRMATION_TOKEN_STORE,
  confirmationTokenDigest,
  type ConfirmationTokenStore,
} from '../confirmation-tokens/confirmation-token-store.port.js';
import { LedgerError } from '../domain/ledger-error.js';
import { CLOCK, type Clock } from '../platform/clock.js';

/** The one route a confirmation token opens. */
export const CONFIRMATION_ROUTE = { method: 'POST', url: '/v1/tenants/:tenantId/subjects/:subjectId/deletion-completions' } as const;

/** What the confirm-erasure controller needs to know of the token the request came with. */
export interface ConfirmationTokenGrant {
  readonly tokenSha256: string;
  readonly deletionId: string;
  readonly system: string;
  /**
   * The token was already used by a request with this request's Idempotency-Key: this is its
   * retry, answered again by the write path and using nothing.
   */
  readonly retry: boolean;
}

export const isConfirmationToken = (bearer: string | undefined): bearer is string =>
  bearer !== undefined && bearer.startsWith(CONFIRMATION_TOKEN_PREFIX);

const field = (value: unknown, name: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;

/**
 * Lets an erasure system confirm its deletion with the token its task carried instead of an
 * API key: only on `POST .../deletion-completions`, only for the token's tenant, subject and
 * system (the body's `system`; the erasure is checked by the decider, which gets the token's
 * `deletionId`). Each refusal names why: unknown, used or expired (401), another route,
 * tenant, subject or system (403). The token is used by the controller once the command
 * succeeded, so a refused command leaves it usable.
 */
@Injectable()
export class ConfirmationTokenAccess {
  constructor(
    @Inject(CONFIRMATION_TOKEN_STORE) private readonly tokens: ConfirmationTokenStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async admit(request: FastifyRequest, token: string): Promise<{ principal: Principal; grant: ConfirmationTokenGrant }> {
    if (request.method !== CONFIRMATION_ROUTE.method || request.routeOptions.url !== CONFIRMATION_ROUTE.url) {
      throw outOfScope('A confirmation token is accepted only by POST /v1/tenants/{tenantId}/subjects/{subjectId}/deletion-completions.');
    }
    const tokenSha256 = confirmationTokenDigest(token);
    const record = await this.tokens.find(tokenSha256);
    if (record === null) throw new LedgerError('confirmation-token-unknown', 'The ledger issued no such confirmation token.');
    if (field(request.params, 'tenantId') !== record.tenantId) throw outOfScope('This confirmation token is for another tenant.');
    if (field(request.params, 'subjectId') !== record.subjectId) throw outOfScope('This confirmation token is for another subject.');
    const system = field(request.body, 'system');
    if (typeof system === 'string' && system !== record.system) {
      throw outOfScope(`This confirmation token is for the system ${record.system}, not ${system}.`, [
        { field: 'system', message: `must be ${record.system}, the system this token was issued to` },
      ]);
    }
    const idempotencyKey = request.headers['idempotency-key'];
    const retry = record.consumedAt !== null && typeof idempotencyKey === 'string' && idempotencyKey === record.consumedWith;
    if (record.consumedAt !== null && !retry) {
      throw new LedgerError('confirmation-token-used', `This confirmation token was used at ${record.consumedAt}; a token confirms once.`);
    }
    if (!retry && record.expiresAt <= this.clock.now().toISOString()) {
      throw new LedgerError('confirmation-token-expired', `This confirmation token expired at ${record.expiresAt}.`);
    }
    return {
      principal: { name: `confirmation-token.${record.system}`, role: 'service', tenants: [record.tenantId] },
      grant: { tokenSha256, deletionId: record.deletionId, system: record.system, retry },
    };
  }
}

const outOfScope = (detail: string, errors?: { field: string; message: string }[]): LedgerError =>
  new LedgerError('confirmation-token-out-of-scope', detail, errors);
