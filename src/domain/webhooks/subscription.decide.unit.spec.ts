import { describe, expect, it } from '@jest/globals';
import { LedgerError } from '../ledger-error.js';
import { decideSubscription } from './subscription.decide.js';
import type { SubscriptionEvent, SubscriptionSettings } from './subscription.events.js';
import { foldSubscriptions, initialSubscriptionsState, signingSecrets } from './subscription.state.js';

const settings: SubscriptionSettings = {
  url: 'https://crm.example/hooks',
  eventTypes: ['consent-withdrawn'],
  description: 'CRM',
  erasureSystems: [],
  recipientIds: [],
  paused: false,
};
const at = { occurredAt: '2026-01-01T00:00:00.000Z' };

const created = decideSubscription(
  { type: 'create-subscription', subscriptionId: 'sub1', settings, secretId: 'k1', sealedSecret: 'enc:v1:one' },
  initialSubscriptionsState(),
  at,
);
const state = foldSubscriptions(created);

describe('deciding on a tenant’s subscriptions', () => {
  it('records a creation with its sealed secret', () => {
    expect(created).toEqual([
      {
        type: 'subscription-created',
        occurredAt: at.occurredAt,
        data: { subscriptionId: 'sub1', ...settings, secretId: 'k1', sealedSecret: 'enc:v1:one' },
      },
    ]);
  });

  it('records a change with every setting after it, and nothing for a change that changes nothing', () => {
    const paused = decideSubscription({ type: 'change-subscription', subscriptionId: 'sub1', changes: { paused: true } }, state, at);
    expect(paused).toEqual([
      { type: 'subscription-changed', occurredAt: at.occurredAt, data: { subscriptionId: 'sub1', ...settings, paused: true } },
    ]);
    expect(decideSubscription({ type: 'change-subscription', subscriptionId: 'sub1', changes: { url: settings.url } }, state, at)).toEqual(
      [],
    );
    expect(foldSubscriptions([...created, ...paused]).subscriptions.get('sub1')?.paused).toBe(true);
  });

  it('refuses commands about an unknown or deleted subscription as not found', () => {
    const deleted = decideSubscription({ type: 'delete-subscription', subscriptionId: 'sub1' }, state, at);
    const gone = foldSubscriptions([...created, ...deleted]);
    expect(gone.subscriptions.size).toBe(0);
    for (const command of [
      { type: 'delete-subscription', subscriptionId: 'sub1' },
      { type: 'change-subscription', subscriptionId: 'sub1', changes: { paused: true } },
      { type: 'rotate-subscription-secret', subscriptionId: 'sub1', secretId: 'k2', sealedSecret: 'enc:v1:two', overlapMs: 1000 },
    ] as const) {
      expect(() => decideSubscription(command, gone, at)).toThrow(LedgerError);
    }
  });

  it('rotates: the old secret signs until the overlap ends, the new one from now on', () => {
    const rotated = decideSubscription(
      { type: 'rotate-subscription-secret', subscriptionId: 'sub1', secretId: 'k2', sealedSecret: 'enc:v1:two', overlapMs: 3_600_000 },
      state,
      at,
    );
    expect((rotated[0] as SubscriptionEvent & { data: { previousSecretsExpireAt: string } }).data.previousSecretsExpireAt).toBe(
      '2026-01-01T01:00:00.000Z',
    );
    const subscription = foldSubscriptions([...created, ...rotated]).subscriptions.get('sub1')!;
    expect(signingSecrets(subscription, new Date('2026-01-01T00:30:00Z')).map((s) => s.secretId)).toEqual(['k1', 'k2']);
    expect(signingSecrets(subscription, new Date('2026-01-01T01:00:00Z')).map((s) => s.secretId)).toEqual(['k2']);
  });
});
