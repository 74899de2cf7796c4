import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../privacy/webhook-secrets.js';
import { signWebhook } from './webhook-signature.js';

describe('signing a webhook (checked by the standardwebhooks package)', () => {
  const body = JSON.stringify({ type: 'consent-given', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'e1' } });
  const now = () => Math.floor(Date.now() / 1000);

  it('gives headers that standardwebhooks verifies with the secret', () => {
    const secret = newWebhookSecret();
    const headers = signWebhook('msg_1', now(), body, [secret]);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('matches standardwebhooks’ own signature byte for byte', () => {
    const secret = newWebhookSecret();
    const at = now();
    const ours = signWebhook('msg_2', at, body, [secret])['webhook-signature'];
    expect(ours).toBe(new Webhook(secret).sign('msg_2', new Date(at * 1000), body));
  });

  it('signs with every secret given, so either verifies', () => {
    const [old, fresh, stranger] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
    const headers = signWebhook('msg_3', now(), body, [old, fresh]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(old).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(fresh).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(stranger).verify(body, { ...headers })).toThrow();
  });

  it('fails verification when the body or the id changed', () => {
    const secret = newWebhookSecret();
    const headers = signWebhook('msg_4', now(), body, [secret]);
    expect(() => new Webhook(secret).verify(body.replace('e1', 'e2'), { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_5' })).toThrow();
  });
});
