import { Command } from '@nestjs/cqrs';
import type { SubscriptionCommand } from '../../domain/webhooks/subscription.commands.js';
import type { CommandContext } from '../request-context/command-context.js';
import type { CommandOutcome, CommandBody } from '../write-path/command-outcome.js';

/**
 * A subscription command's answer. A new secret travels sealed (`sealedSecret`), so that the
 * answer the idempotency store keeps for a retry holds no plaintext secret; the controller
 * opens it for the one caller that gets it.
 */
export interface SubscriptionCommandBody extends CommandBody {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly secretId?: string;
  readonly sealedSecret?: string;
  readonly previousSecretsExpireAt?: string;
}

/** A tenant creates, changes, deletes a webhook subscription or rotates its secret. */
export class ManageSubscriptionCommand extends Command<CommandOutcome<SubscriptionCommandBody>> {
  constructor(readonly request: CommandContext & { readonly command: SubscriptionCommand }) {
    super();
  }
}
