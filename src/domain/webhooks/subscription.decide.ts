import { LedgerError } from '../ledger-error.js';
import type { SubscriptionCommand, SubscriptionDecisionContext } from './subscription.commands.js';
import type { SubscriptionEvent, SubscriptionSettings } from './subscription.events.js';
import type { Subscription, SubscriptionsState } from './subscription.state.js';

const SETTINGS = ['url', 'eventTypes', 'description', 'erasureSystems', 'recipientIds', 'paused'] as const;

const sameSetting = (a: SubscriptionSettings, b: SubscriptionSettings, field: (typeof SETTINGS)[number]): boolean =>
  JSON.stringify(a[field]) === JSON.stringify(b[field]);

const known = (state: SubscriptionsState, subscriptionId: string): Subscription => {
  const subscription = state.subscriptions.get(subscriptionId);
  if (!subscription) throw new LedgerError('not-found', 'This tenant has no subscription with this id.');
  return subscription;
};

const settingsOf = (subscription: Subscription): SubscriptionSettings => ({
  url: subscription.url,
  eventTypes: subscription.eventTypes,
  description: subscription.description,
  erasureSystems: subscription.erasureSystems,
  recipientIds: subscription.recipientIds,
  paused: subscription.paused,
});

/**
 * The rules for a tenant's subscriptions. Pure (the write path may run it again after a
 * conflict): ids and sealed secrets come in the command. A change that changes nothing writes
 * nothing (200); a command about an unknown or deleted subscription is a 404.
 */
export const decideSubscription = (
  command: SubscriptionCommand,
  state: SubscriptionsState,
  context: SubscriptionDecisionContext,
): SubscriptionEvent[] => {
  const { occurredAt } = context;
  switch (command.type) {
    case 'create-subscription':
      return [
        {
          type: 'subscription-created',
          occurredAt,
          data: {
            subscriptionId: command.subscriptionId,
            ...command.settings,
            secretId: command.secretId,
            sealedSecret: command.sealedSecret,
          },
        },
      ];
    case 'change-subscription': {
      const before = settingsOf(known(state, command.subscriptionId));
      const after: SubscriptionSettings = { ...before, ...definedOnly(command.changes) };
      if (SETTINGS.every((field) => sameSetting(before, after, field))) return [];
      return [{ type: 'subscription-changed', occurredAt, data: { subscriptionId: command.subscriptionId, ...after } }];
    }
    case 'delete-subscription':
      known(state, command.subscriptionId);
      return [{ type: 'subscription-deleted', occurredAt, data: { subscriptionId: command.subscriptionId } }];
    case 'rotate-subscription-secret':
      known(state, command.subscriptionId);
      return [
        {
          type: 'subscription-secret-rotated',
          occurredAt,
          data: {
            subscriptionId: command.subscriptionId,
            secretId: command.secretId,
            sealedSecret: command.sealedSecret,
            previousSecretsExpireAt: new Date(Date.parse(occurredAt) + command.overlapMs).toISOString(),
          },
        },
      ];
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

const definedOnly = (changes: Partial<SubscriptionSettings>): Partial<SubscriptionSettings> =>
  Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<SubscriptionSettings>;
