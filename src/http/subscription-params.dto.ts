import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { TenantParams } from './subject-params.dto.js';

export const SUBSCRIPTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class SubscriptionParams extends TenantParams {
  @ApiProperty({ description: 'A subscription of this tenant.', pattern: SUBSCRIPTION_ID_PATTERN.source, maxLength: 64 })
  @Matches(SUBSCRIPTION_ID_PATTERN, { message: 'subscriptionId must be 1-64 letters, digits, "_" or "-"' })
  subscriptionId!: string;
}

export class DeliveryParams extends SubscriptionParams {
  @ApiProperty({
    description: 'A delivery of this subscription (its `webhook-id`).',
    pattern: SUBSCRIPTION_ID_PATTERN.source,
    maxLength: 64,
  })
  @Matches(SUBSCRIPTION_ID_PATTERN, { message: 'deliveryId must be 1-64 letters, digits, "_" or "-"' })
  deliveryId!: string;
}
