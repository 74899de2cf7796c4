import { describe, expect, it } from '@jest/globals';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiKeyRegistry, bearerToken, covers } from './api-keys.js';
import { InvalidApiKeys, parseApiKeys, sha256, type ApiKey } from '../config/api-key-list.js';

const SECRET = 'svc-secret-0123456789';
const entry = (overrides: Record<string, unknown> = {}) => ({ name: 'signup-service', role: 'service', tenants: ['acme'], key: SECRET, ...overrides });
const parse = (value: unknown): ApiKey[] => parseApiKeys(JSON.stringify(value));

describe('hashing keys', () => {
  it('is SHA-256 of the UTF-8 key (the digest a keySha256 entry holds)', () => {
    // Known answer: SHA-256("abc") from FIPS 180-2.
    expect(sha256('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('clé').equals(createHash('sha256').update(Buffer.from('clé', 'utf8')).digest())).toBe(true);
  });

  it('keeps only the digest of a plain key', () => {
    const [key] = parse([entry()]);
    expect(key).toEqual({ name: 'signup-service', role: 'service', tenants: ['acme'], keySha256: sha256(SECRET) });
    expect(JSON.stringify(key)).not.toContain(SECRET);
  });
});

describe('looking a key up', () => {
  const registry = new ApiKeyRegistry(
    parse([
      entry(),
      { name: 'auditor', role: 'auditor', tenants: ['acme', 'globex'], keySha256: sha256('auditor-secret-0123').toString('hex') },
      { name: 'root', role: 'admin', tenants: ['*'], key: 'admin-secret-0123456' },
    ]),
  );

  it('finds the principal of a configured key, given as key or as keySha256', () => {
    expect(registry.authenticate(SECRET)).toEqual({ name: 'signup-service', role: 'service', tenants: ['acme'] });
    expect(registry.authenticate('auditor-secret-0123')).toEqual({ name: 'auditor', role: 'auditor', tenants: ['acme', 'globex'] });
    expect(registry.authenticate('admin-secret-0123456')).toEqual({ name: 'root', role: 'admin', tenants: '*' });
  });

  it.each([
    ['an unknown key', 'not-a-configured-key'],
    ['the key with one character changed', `${SECRET.slice(0, -1)}X`],
    ['a prefix of the key', SECRET.slice(0, 10)],
    ['the key with a suffix', `${SECRET}x`],
    ['an empty key', ''],
    ['a very long key', 'k'.repeat(100_000)],
    ['the stored hex digest itself', sha256('auditor-secret-0123').toString('hex')],
  ])('refuses %s without throwing', (_label, presented) => {
    expect(registry.authenticate(presented)).toBeNull();
  });

  it('compares the digest with every configured digest, also after a match, and only digests of equal length', () => {
    const compared: [number, number][] = [];
    const counting = new ApiKeyRegistry(parse([entry(), entry({ name: 'b', key: 'b-secret-0123456789' }), entry({ name: 'c', key: 'c-secret-0123456789' })]), (a, b) => {
      compared.push([a.length, b.length]);
      return timingSafeEqual(a, b);
    });
    expect(counting.authenticate(SECRET)?.name).toBe('signup-service');
    expect(compared).toEqual([[32, 32], [32, 32], [32, 32]]);
    compared.length = 0;
    expect(counting.authenticate('x')).toBeNull();
    expect(compared).toHaveLength(3);
  });

  it('reads the bearer key of a request once and remembers the answer for that request', () => {
    let comparisons = 0;
    const counting = new ApiKeyRegistry(parse([entry()]), (a, b) => {
      comparisons++;
      return timingSafeEqual(a, b);
    });
    const request = { headers: { authorization: `Bearer ${SECRET}` } };
    expect(counting.principalOf(request)?.name).toBe('signup-service');
    expect(counting.principalOf(request)?.name).toBe('signup-service');
    expect(comparisons).toBe(1);
    expect(counting.principalOf({ headers: {} })).toBeNull();
    expect(counting.principalOf({ headers: { authorization: `Basic ${SECRET}` } })).toBeNull();
  });
});

describe('the Authorization header', () => {
  it.each([
    [`Bearer ${SECRET}`, SECRET],
    [`bearer ${SECRET}`, SECRET],
    [`Bearer   ${SECRET}  `, SECRET],
    ['Bearer abc+/~._-==', 'abc+/~._-=='],
  ])('reads %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['"Bearer" alone', 'Bearer'],
    ['"Bearer " and nothing', 'Bearer '],
    ['another scheme', `Basic ${SECRET}`],
    ['a bare key', SECRET],
    ['two words after Bearer', `Bearer ${SECRET} extra`],
    ['"=" inside the token', 'Bearer a=b'],
    ['a repeated header', ['Bearer x', 'Bearer y']],
    ['a token longer than any key', `Bearer ${'k'.repeat(5000)}`],
  ])('finds no key in %s', (_label, header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});

describe('tenant scopes', () => {
  it('covers every tenant with *, and only the listed ones otherwise', () => {
    expect(covers('*', 'anyone')).toBe(true);
    expect(covers(['acme', 'globex'], 'globex')).toBe(true);
    expect(covers(['acme'], 'acme2')).toBe(false);
  });
});

describe('parsing the key list', () => {
  it('reads roles, tenant lists and *', () => {
    const keys = parse([
      entry(),
      { name: 'ops', role: 'ops', tenants: ['*'], keySha256: 'A'.repeat(64) },
    ]);
    expect(keys.map((k) => [k.name, k.role, k.tenants])).toEqual([
      ['signup-service', 'service', ['acme']],
      ['ops', 'ops', '*'],
    ]);
    expect(keys[1]?.keySha256.toString('hex')).toBe('a'.repeat(64));
  });

  it.each([
    ['not JSON', '[{"name": "x", "key": "abc', /not valid JSON/],
    ['not an array', JSON.stringify(entry()), /must be a JSON array/],
    ['an empty array', '[]', /at least one key/],
    ['an entry that is not an object', JSON.stringify(['key']), /entry 0 must be an object/],
    ['a missing name', JSON.stringify([entry({ name: undefined })]), /entry 0: name must be/],
    ['a name with spaces', JSON.stringify([entry({ name: 'signup service' })]), /entry 0: name must be/],
    ['an unknown role', JSON.stringify([entry({ role: 'root' })]), /entry 0 \("signup-service"\): role must be one of service, auditor, ops, admin/],
    ['an unknown field', JSON.stringify([entry({ tenant: ['acme'] })]), /"tenant" is not a known field/],
    ['empty tenants', JSON.stringify([entry({ tenants: [] })]), /tenants must be a non-empty list/],
    ['tenants that are not a list', JSON.stringify([entry({ tenants: 'acme' })]), /tenants must be a non-empty list/],
    ['a bad tenant id', JSON.stringify([entry({ tenants: ['acme', 'a b'] })]), /"a b" is not a tenant id/],
    ['* with other tenants', JSON.stringify([entry({ tenants: ['*', 'acme'] })]), /list it alone/],
    ['a tenant twice', JSON.stringify([entry({ tenants: ['acme', 'acme'] })]), /names a tenant twice/],
    ['both key and keySha256', JSON.stringify([entry({ keySha256: 'a'.repeat(64) })]), /either key or keySha256, not both/],
    ['neither key nor keySha256', JSON.stringify([entry({ key: undefined })]), /needs a key or a keySha256/],
    ['a short key', JSON.stringify([entry({ key: 'short' })]), /key must be 16-4096 characters/],
    ['a key with a space', JSON.stringify([entry({ key: 'has a space 0123456789' })]), /key must be 16-4096 characters/],
    ['a keySha256 that is not 64 hex digits', JSON.stringify([entry({ key: undefined, keySha256: 'abc' })]), /keySha256 must be the SHA-256/],
    ['duplicate names', JSON.stringify([entry(), entry({ key: 'other-secret-0123456' })]), /names "signup-service" twice/],
    ['two names with one secret', JSON.stringify([entry(), entry({ name: 'copy' })]), /"copy" has the same secret as another key/],
  ])('refuses %s', (_label, json, message) => {
    expect(() => parseApiKeys(json)).toThrow(InvalidApiKeys);
    expect(() => parseApiKeys(json)).toThrow(message);
  });

  it('never repeats a key in its messages', () => {
    const secret = 'do-not-print-this-key-0123';
    for (const json of [
      `[{"name": "a", "role": "root", "tenants": ["x"], "key": "${secret}"}]`,
      `[{"name": "a", "role": "admin", "tenants": [], "key": "${secret}"}]`,
      `[{"name": "a", "role": "admin", "tenants": ["x"], "key": "${secret}", "keySha256": "${'a'.repeat(64)}"}]`,
      `[{"name": "a", "key": "${secret}"`,
    ]) {
      expect(() => parseApiKeys(json)).toThrow(InvalidApiKeys);
      try {
        parseApiKeys(json);
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });
});
