import { ApiSchema } from '@nestjs/swagger';
import { ApiFlag, ApiInstant, ApiNullableInstant, ApiText, ApiTextList } from '../../http/openapi/properties.js';
import { ApiProperty } from '@nestjs/swagger';

class SubscriptionSecretDto {
  @ApiText() secretId!: string;
  @ApiNullableInstant({ description: 'Null for the current secret; for a replaced one, until when it still signs.' })
  expiresAt!: string | null;
}

@ApiSchema({ name: 'Subscription', description: 'A webhook subscription; its secrets are never shown, only their ids.' })
export class SubscriptionDto {
  @ApiText() subscriptionId!: string;
  @ApiText({ format: 'uri' }) url!: string;
  @ApiTextList() eventTypes!: string[];
  @ApiText() description!: string;
  @ApiTextList() erasureSystems!: string[];
  @ApiTextList({ description: 'Recipients (transfer `recipient.id`s) this subscription speaks for: their Art. 19 notices go to it.' })
  recipientIds!: string[];
  @ApiFlag() paused!: boolean;
  @ApiInstant() createdAt!: string;
  @ApiInstant() updatedAt!: string;
  @ApiProperty({ type: () => [SubscriptionSecretDto] }) secrets!: SubscriptionSecretDto[];
}

@ApiSchema({ name: 'SubscriptionList' })
export class SubscriptionListDto {
  @ApiProperty({ type: () => [SubscriptionDto] }) subscriptions!: SubscriptionDto[];
}
