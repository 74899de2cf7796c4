import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SEALED_PREFIX, decrypt, encrypt, fieldAad, isSealed, newDataKey, openValue, sealValue } from './field-cipher.js';

describe('field cipher (AES-256-GCM)', () => {
  const aad = () => fieldAad(randomUUID(), 'evidence.contact');

  describe('a sealed value', () => {
    it('opens to the value it sealed, for text and for any JSON value', () => {
      const key = newDataKey();
      for (const value of ['asha@example.com', '', 'Grüße \u2028 "quoted"', 42, null, true, { a: [1, 'b'] }]) {
        const where = aad();
        expect(openValue(key, sealValue(key, value, where), where)).toEqual(value);
      }
    });

    it('is enc:v1: and base64url of iv (12) ‖ ciphertext ‖ tag (16), the plaintext being the JSON text', () => {
      const sealed = sealValue(newDataKey(), 'abc', aad());
      expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
      const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
      expect(bytes.length).toBe(12 + '"abc"'.length + 16);
      expect(sealed.slice(SEALED_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(isSealed(sealed)).toBe(true);
    });

    it('differs each time the same value is sealed (fresh IV), and never contains the plaintext', () => {
      const key = newDataKey();
      const where = aad();
      const a = sealValue(key, 'asha@example.com', where);
      const b = sealValue(key, 'asha@example.com', where);
      expect(a).not.toBe(b);
      expect(a).not.toContain('asha');
      expect(Buffer.from(a.slice(SEALED_PREFIX.length), 'base64url').toString('latin1')).not.toContain('asha');
    });

    it('fails to open under another event id or another field path (wrong AAD)', () => {
      const key = newDataKey();
      const eventId = randomUUID();
      const sealed = sealValue(key, 'secret', fieldAad(eventId, 'reason'));
      expect(() => openValue(key, sealed, fieldAad(randomUUID(), 'reason'))).toThrow();
      expect(() => openValue(key, sealed, fieldAad(eventId, 'evidence'))).toThrow();
      expect(openValue(key, sealed, fieldAad(eventId, 'reason'))).toBe('secret');
    });

    it('fails to open under another key', () => {
      const where = aad();
      const sealed = sealValue(newDataKey(), 'secret', where);
      expect(() => openValue(newDataKey(), sealed, where)).toThrow();
    });

    it('fails to open when any byte was changed, or when it was cut short', () => {
      const key = newDataKey();
      const where = aad();
      const bytes = Buffer.from(sealValue(key, 'secret', where).slice(SEALED_PREFIX.length), 'base64url');
      for (const index of [0, 11, 12, bytes.length - 17, bytes.length - 1]) {
        const tampered = Buffer.from(bytes);
        tampered[index] = (tampered[index] ?? 0) ^ 0x01;
        expect(() => openValue(key, `${SEALED_PREFIX}${tampered.toString('base64url')}`, where)).toThrow();
      }
      expect(() => openValue(key, `${SEALED_PREFIX}${bytes.subarray(0, 20).toString('base64url')}`, where)).toThrow();
    });
  });

  it('tells sealed values from plaintext (events written before encryption)', () => {
    expect(isSealed('asha@example.com')).toBe(false);
    expect(isSealed({ ciphertext: 'x' })).toBe(false);
    expect(isSealed(undefined)).toBe(false);
    expect(() => openValue(newDataKey(), 'asha@example.com', aad())).toThrow('not a sealed value');
  });

  it('refuses keys that are not 256 bits', () => {
    expect(() => encrypt(Buffer.alloc(16), Buffer.from('x'), aad())).toThrow(RangeError);
    expect(() => decrypt(Buffer.alloc(31), Buffer.alloc(40), aad())).toThrow(RangeError);
  });
});
