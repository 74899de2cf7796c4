import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { WrittenEventDto } from '../../http/openapi/command-answer.dto.js';
import type { WrittenEvent } from '../write-path/command-outcome.js';

/** What a subscription command answers. */
export interface SubscriptionCommandAnswer {
  readonly subscriptionId: string;
  readonly secret?: string;
  readonly secretId?: string;
  readonly previousSecretsExpireAt?: string;
  readonly events: readonly WrittenEvent[];
}

@ApiSchema({
  name: 'SubscriptionCommandAnswer',
  description: 'What a subscription command answers; a creation and a rotation carry the new secret, shown this once.',
})
export class SubscriptionCommandAnswerDto {
  @ApiProperty()
  subscriptionId!: string;

  @ApiPropertyOptional({
    pattern: '^whsec_',
    description: 'The new signing secret (Standard Webhooks `whsec_<base64>`); never shown again.',
  })
  secret?: string;

  @ApiPropertyOptional({ description: 'Names the new secret.' })
  secretId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'A rotation: until when the replaced secrets keep signing too.' })
  previousSecretsExpireAt?: string;

  @ApiProperty({ type: () => [WrittenEventDto] })
  events!: WrittenEventDto[];
}
