import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FastifyRequest } from 'fastify';
import { validationFailed } from '../../domain/ledger-error.js';
import type { SubjectCommand } from '../../domain/subject/subject.commands.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import type { PolicyCommand } from '../../domain/policy/policy.commands.js';
import type { SubjectParams, TenantParams } from '../../http/subject-params.dto.js';
import { deriveKey, MASTER_KEY, type MasterKey } from '../../privacy/master-key.js';
import type { CommandContext, PolicyCommandRequest, SubjectCommandRequest } from './command-context.js';

/** How far ahead of our clock a caller's `occurredAt` may be (clock skew), per api.md. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

const HEADER_TOKEN = /^[\x21-\x7e]{1,255}$/;

/**
 * Turns a validated HTTP request into a command's request: who is asking, the
 * correlation id, the idempotency key with the request's fingerprint, and the checks on
 * `occurredAt` that need the clock.
 */
@Injectable()
export class CommandRequestFactory {
  private readonly fingerprintKey: Buffer;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(MASTER_KEY) masterKey: MasterKey,
  ) {
    this.fingerprintKey = deriveKey(masterKey, 'idempotency fingerprint');
  }

  build<Command extends SubjectCommand>(
    params: SubjectParams,
    request: FastifyRequest,
    command: Command,
    occurredAt: string | undefined,
  ): SubjectCommandRequest<Command> {
    return { ...this.context(params.tenantId, request, occurredAt), subjectId: params.subjectId, command };
  }

  /** The same for a command about the tenant itself (its policy versions and notices). */
  buildPolicy<Command extends PolicyCommand>(
    params: TenantParams,
    request: FastifyRequest,
    command: Command,
    occurredAt: string | undefined,
    /** The body field the time came in (a notice's `sentAt`), named by a refusal. */
    occurredAtField = 'occurredAt',
  ): PolicyCommandRequest<Command> {
    return { ...this.context(params.tenantId, request, occurredAt, occurredAtField), command };
  }

  /** The same for any other command about the tenant itself (its webhook subscriptions). */
  buildTenant<Command>(params: TenantParams, request: FastifyRequest, command: Command): CommandContext & { readonly command: Command } {
    return { ...this.context(params.tenantId, request, undefined), command };
  }

  private context(
    tenantId: string,
    request: FastifyRequest,
    occurredAt: string | undefined,
    occurredAtField = 'occurredAt',
  ): CommandContext {
    const key = header(request, 'idempotency-key');
    const actor = header(request, 'x-actor');
    const correlationId = header(request, 'x-correlation-id');
    return {
      commandId: this.ids.newId(),
      tenantId,
      occurredAt: this.occurredAt(occurredAt, occurredAtField),
      actor: actor ?? 'unidentified-caller',
      // Without X-Correlation-Id, the request id (X-Request-Id or Fastify's generated one)
      // ties the events to the request's log line.
      correlationId: correlationId ?? requestIdOf(request) ?? this.ids.newId(),
      idempotency: key === undefined ? undefined : { key, fingerprint: fingerprint(this.fingerprintKey, request) },
    };
  }

  private occurredAt(value: string | undefined, field: string): string | undefined {
    if (value === undefined) return undefined;
    const at = Date.parse(value);
    if (Number.isNaN(at)) throw validationFailed([{ field, message: `${field} is not a real date-time` }]);
    if (at - this.clock.now().getTime() > MAX_FUTURE_SKEW_MS) {
      throw validationFailed([{ field, message: `${field} must not be more than 5 minutes in the future` }]);
    }
    return new Date(at).toISOString();
  }
}

/** Fastify's request id (see src/observability/request-id.ts); absent on hand-made requests. */
const requestIdOf = (request: FastifyRequest): string | undefined =>
  typeof request.id === 'string' && request.id !== '' ? request.id : undefined;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !HEADER_TOKEN.test(value)) {
    throw validationFailed([{ field: name, message: `${name} must be 1-255 visible ASCII characters` }]);
  }
  return value;
};

/**
 * Same key + same method, path and body (canonical JSON, RFC 8785) = the same request.
 * Keyed (HMAC-SHA256 with a key derived from the master key), not a bare hash: the body holds
 * e-mail and IP addresses, and a bare hash kept after shredding would let anyone confirm a
 * guessed address by hashing it.
 */
const fingerprint = (key: Buffer, request: FastifyRequest): string =>
  createHmac('sha256', key)
    .update(canonicalize({ method: request.method, path: request.url.split('?')[0], body: request.body ?? null }) ?? '')
    .digest('hex');
