import { createHmac } from 'node:crypto';
import { webhookSecretKey } from '../../privacy/webhook-secrets.js';

/** The Standard Webhooks headers of one attempt (https://www.standardwebhooks.com/). */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs `${id}.${timestamp}.${body}` with HMAC-SHA256 under each secret, as the Standard
 * Webhooks specification says: `v1,<base64>` per secret, space-separated, so that during a
 * rotation's overlap a receiver holding either the old or the new secret verifies.
 */
export const signWebhook = (id: string, timestampSeconds: number, body: string, secrets: readonly string[]): WebhookHeaders => {
  const signed = `${id}.${timestampSeconds}.${body}`;
  const signatures = secrets.map((secret) => `v1,${createHmac('sha256', webhookSecretKey(secret)).update(signed).digest('base64')}`);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signatures.join(' ') };
};
