import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideSubscription } from '../../domain/webhooks/subscription.decide.js';
import { isSubscriptionEventType, type SubscriptionEvent } from '../../domain/webhooks/subscription.events.js';
import { evolveSubscriptions, initialSubscriptionsState, type SubscriptionsState } from '../../domain/webhooks/subscription.state.js';
import { subscriptionStreamId } from '../../domain/stream-id.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import type { CommandOutcome } from '../write-path/command-outcome.js';
import { toNewEvents } from '../write-path/event-envelopes.js';
import { StreamCommandExecutor, writtenEvent } from '../write-path/stream-command-executor.js';
import type { StreamFold } from '../write-path/stream-fold.js';
import { ManageSubscriptionCommand, type SubscriptionCommandBody } from './manage-subscription.command.js';

const subscriptionEventsOf = (events: readonly StoredEvent[]): SubscriptionEvent[] =>
  events
    .filter((event) => isSubscriptionEventType(event.type))
    .map((event) => ({ type: event.type, occurredAt: event.occurredAt, data: event.data }) as unknown as SubscriptionEvent);

const SUBSCRIPTIONS_FOLD: StreamFold<SubscriptionsState> = {
  name: 'subscriptions',
  initial: initialSubscriptionsState(),
  evolve: (state, events) => subscriptionEventsOf(events).reduce(evolveSubscriptions, state),
};

/** Every subscription command is decided on, and appended to, the tenant's subscription stream. */
@CommandHandler(ManageSubscriptionCommand)
export class ManageSubscriptionHandler implements ICommandHandler<ManageSubscriptionCommand> {
  constructor(
    private readonly streams: StreamCommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  execute({ request }: ManageSubscriptionCommand): Promise<CommandOutcome<SubscriptionCommandBody>> {
    const { command, tenantId } = request;
    return this.streams.execute({
      tenantId,
      streamId: subscriptionStreamId(tenantId),
      streamName: "The tenant's subscription stream",
      idempotency: request.idempotency,
      fold: SUBSCRIPTIONS_FOLD,
      // A subscription is about no subject ('').
      decide: (state, now) => toNewEvents(decideSubscription(command, state, { occurredAt: now }), request, '', now, this.ids),
      answer: (events) => {
        const written = events[0]?.data['subscriptionId'];
        const withSecret = events.find((e) => e.type === 'subscription-created' || e.type === 'subscription-secret-rotated');
        const data = withSecret?.data as { secretId?: string; sealedSecret?: string; previousSecretsExpireAt?: string } | undefined;
        return {
          tenantId,
          // From the stream when there are events: a retry rebuilt from it names the first id.
          subscriptionId: typeof written === 'string' ? written : command.subscriptionId,
          ...(data?.secretId !== undefined && { secretId: data.secretId }),
          ...(data?.sealedSecret !== undefined && { sealedSecret: data.sealedSecret }),
          ...(data?.previousSecretsExpireAt !== undefined && { previousSecretsExpireAt: data.previousSecretsExpireAt }),
          events: events.map(writtenEvent),
        };
      },
    });
  }
}
