import { randomBytes } from 'node:crypto';
import { openValue, sealValue } from './field-cipher.js';
import { deriveKey, type MasterKey } from './master-key.js';

/**
 * Webhook signing secrets. The ledger must sign with them long after they were shown, so they
 * are kept, but never in plaintext in the immutable log: each is sealed (AES-256-GCM) under a
 * key derived from the master key for this one use, bound by its associated data to its
 * tenant, subscription and secret id (a sealed secret moved elsewhere fails to open).
 * docs/webhooks.md explains the choice.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A fresh secret in the Standard Webhooks format: `whsec_` and base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

/** The HMAC key bytes of a `whsec_` secret. */
export const webhookSecretKey = (secret: string): Buffer =>
  Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64');

const aad = (tenantId: string, subscriptionId: string, secretId: string): Buffer =>
  Buffer.from(`webhook-secret\n${encodeURIComponent(tenantId)}\n${subscriptionId}\n${secretId}`, 'utf8');

/** Seals and opens the secrets of subscriptions with one derived key. */
export class WebhookSecretCipher {
  private readonly key: Buffer;

  constructor(master: MasterKey) {
    this.key = deriveKey(master, 'webhook signing secrets');
  }

  seal(secret: string, tenantId: string, subscriptionId: string, secretId: string): string {
    return sealValue(this.key, secret, aad(tenantId, subscriptionId, secretId));
  }

  /** Throws when the sealed value is not this secret's (another master key, moved, tampered). */
  open(sealed: string, tenantId: string, subscriptionId: string, secretId: string): string {
    const value = openValue(this.key, sealed, aad(tenantId, subscriptionId, secretId));
    if (typeof value !== 'string') throw new Error('a sealed webhook secret holds no string');
    return value;
  }
}
