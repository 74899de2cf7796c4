import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for personal values and for wrapping data keys (node:crypto). Pure functions
 * of the key they are given: where keys come from is the PersonalData service's business.
 *
 * A sealed value is the string `enc:v1:<base64url(iv 12 bytes ‖ ciphertext ‖ tag 16 bytes)>`;
 * the plaintext is the JSON text of the value, so non-string values seal too. Associated
 * data binds a sealed value to its place: `${eventId}\n${path}` (UTF-8), so a ciphertext
 * moved to another event or field fails authentication instead of being read there.
 */

export const SEALED_PREFIX = 'enc:v1:';
/** What a read shows for a personal value whose subject's key was destroyed. */
export const ERASED = '[erased]';
/** What a read shows for a sealed value that fails authentication (tampered, or a foreign key). */
export const UNREADABLE = '[unreadable]';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX);

/**
 * False only when JSON text can hold no sealed value: JSON.stringify writes a string that
 * starts with the prefix as `"enc:v1:` (it escapes none of those characters). True may be a
 * false alarm (the prefix inside a longer text); the caller then looks at the parsed values.
 */
export const mayHoldSealedValue = (json: string): boolean => json.includes(`"${SEALED_PREFIX}`);

export const fieldAad = (eventId: string, path: string): Buffer => Buffer.from(`${eventId}\n${path}`, 'utf8');

/** A fresh random data key. */
export const newDataKey = (): Buffer => randomBytes(KEY_BYTES);

/** `iv ‖ ciphertext ‖ tag`, with a fresh random IV per call. */
export const encrypt = (key: Buffer, plaintext: Buffer, aad: Buffer): Buffer => {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
};

/** The plaintext of `encrypt`'s output; throws when the key, the AAD or any byte is wrong. */
export const decrypt = (key: Buffer, sealed: Buffer, aad: Buffer): Buffer => {
  checkKey(key);
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
};

/** Seals a JSON value (never undefined) for storage. */
export const sealValue = (key: Buffer, value: unknown, aad: Buffer): string => {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('only JSON values can be sealed');
  return `${SEALED_PREFIX}${encrypt(key, Buffer.from(json, 'utf8'), aad).toString('base64url')}`;
};

/** The value `sealValue` sealed; throws when it is not a sealed string or fails authentication. */
export const openValue = (key: Buffer, sealed: string, aad: Buffer): unknown => {
  if (!isSealed(sealed)) throw new Error('not a sealed value');
  const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
  return JSON.parse(decrypt(key, bytes, aad).toString('utf8')) as unknown;
};

const checkKey = (key: Buffer): void => {
  if (key.length !== KEY_BYTES) throw new RangeError(`an AES-256 key has ${KEY_BYTES} bytes, got ${key.length}`);
};
