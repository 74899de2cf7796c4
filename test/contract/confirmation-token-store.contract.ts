import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  confirmationTokenDigest,
  newConfirmationToken,
  type ConfirmationTokenStore,
  type IssuedConfirmationToken,
} from '../../src/confirmation-tokens/confirmation-token-store.port.js';

/** The confirmation-token store's contract, run once per adapter. */
export const confirmationTokenStoreContract = (adapterName: string, openStore: () => Promise<ConfirmationTokenStore>): void => {
  describe(`ConfirmationTokenStore contract: ${adapterName}`, () => {
    let store: ConfirmationTokenStore;
    beforeEach(async () => {
      store = await openStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const issued = (overrides: Partial<IssuedConfirmationToken> = {}): IssuedConfirmationToken => ({
      tokenSha256: confirmationTokenDigest(newConfirmationToken()),
      tenantId: `t-${randomUUID().slice(0, 8)}`,
      subjectId: `s-${randomUUID()}`,
      deletionId: randomUUID(),
      system: 'crm',
      issuedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-04T00:00:00.000Z',
      ...overrides,
    });

    it('finds nothing for a token never issued', async () => {
      expect(await store.find(confirmationTokenDigest(newConfirmationToken()))).toBeNull();
    });

    it('gives back what was saved, unused', async () => {
      const token = issued();
      await store.save(token);
      expect(await store.find(token.tokenSha256)).toEqual({ ...token, consumedAt: null, consumedWith: null });
    });

    it('uses a token once: the first consume wins and says so, later ones do not', async () => {
      const token = issued();
      await store.save(token);
      expect(await store.consume(token.tokenSha256, '2026-01-02T00:00:00.000Z', 'key-1')).toBe(true);
      expect(await store.consume(token.tokenSha256, '2026-01-02T00:00:01.000Z', 'key-2')).toBe(false);
      expect(await store.find(token.tokenSha256)).toMatchObject({ consumedAt: '2026-01-02T00:00:00.000Z', consumedWith: 'key-1' });
    });

    it('lets exactly one of many concurrent consumes use a token', async () => {
      const token = issued();
      await store.save(token);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.consume(token.tokenSha256, '2026-01-02T00:00:00.000Z', `key-${i}`)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('does not use an expired token, at or after its expiry', async () => {
      const token = issued();
      await store.save(token);
      expect(await store.consume(token.tokenSha256, token.expiresAt, null)).toBe(false);
      expect(await store.consume(token.tokenSha256, '2026-01-05T00:00:00.000Z', null)).toBe(false);
      expect((await store.find(token.tokenSha256))?.consumedAt).toBeNull();
    });

    it('does not use an unknown token, and keeps tokens apart', async () => {
      const mine = issued();
      const theirs = issued({ system: 'backups' });
      await store.save(mine);
      await store.save(theirs);
      expect(await store.consume(confirmationTokenDigest(newConfirmationToken()), '2026-01-02T00:00:00.000Z', null)).toBe(false);
      expect(await store.consume(mine.tokenSha256, '2026-01-02T00:00:00.000Z', null)).toBe(true);
      expect(await store.find(mine.tokenSha256)).toMatchObject({ consumedAt: '2026-01-02T00:00:00.000Z', consumedWith: null });
      expect(await store.find(theirs.tokenSha256)).toMatchObject({ system: 'backups', consumedAt: null });
    });
  });
};
