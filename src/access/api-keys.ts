import { timingSafeEqual } from 'node:crypto';
import { MAX_KEY_LENGTH, sha256, type ApiKey, type Principal, type TenantScope } from '../config/api-key-list.js';

export const covers = (scope: TenantScope, tenantId: string): boolean => scope === '*' || scope.includes(tenantId);

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
export const bearerToken = (header: unknown): string | undefined => {
  if (typeof header !== 'string' || header.length > MAX_KEY_LENGTH + 64) return undefined;
  return BEARER.exec(header)?.[1];
};

/** The part of an HTTP request the registry reads; kept minimal so that it is easy to test. */
interface WithHeaders {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The configured keys, looked up in constant time: the presented key is hashed with SHA-256
 * and its digest compared with `timingSafeEqual` against every configured digest, with no
 * early exit, so neither the time nor the path taken tells how close a guess was or which key
 * it resembled. Comparing digests (always 32 bytes) also hides the length of the keys.
 */
export class ApiKeyRegistry {
  private readonly principals = new WeakMap<object, Principal | null>();

  constructor(
    private readonly keys: readonly ApiKey[],
    /** Injected only so that a test can count the comparisons. */
    private readonly equal: (a: Buffer, b: Buffer) => boolean = timingSafeEqual,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /** The principal of a presented key, or null when no configured key matches. */
  authenticate(presented: string): Principal | null {
    const digest = sha256(presented);
    let found: ApiKey | null = null;
    for (const key of this.keys) {
      const same = this.equal(digest, key.keySha256);
      if (same && found === null) found = key;
    }
    return found === null ? null : { name: found.name, role: found.role, tenants: found.tenants };
  }

  /**
   * The principal of a request's bearer key, or null (no key, not a bearer key, unknown key).
   * Remembered per request object: the rate limiter (a Fastify hook) and the access guard
   * (Nest) both ask, and the key is hashed once.
   */
  principalOf(request: WithHeaders): Principal | null {
    const known = this.principals.get(request);
    if (known !== undefined) return known;
    const token = bearerToken(request.headers['authorization']);
    const principal = token === undefined ? null : this.authenticate(token);
    this.principals.set(request, principal);
    return principal;
  }
}
