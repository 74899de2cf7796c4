import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SYSTEM_ID_PATTERN } from '../../domain/catalogue.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/webhook-event-types.js';
import { IsShortText } from '../../http/validators.js';

// `require_tld: false`: a receiver on a closed network may be called by a bare host name
// (the address check, not the spelling, decides whether it may be reached).
const URL_OPTIONS = { protocols: ['https', 'http'], require_protocol: true, require_tld: false, allow_underscores: true };
const URL_MESSAGE = 'url must be an http or https URL';
const TYPES_MESSAGE = `eventTypes must each be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`;
const SYSTEMS_MESSAGE = 'erasureSystems must each be a system id such as crm or backups';
// The same spelling as a transfer's `recipient.id`.
const RECIPIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const RECIPIENTS_MESSAGE = 'recipientIds must each be 1-128 letters, digits, "_", ".", ":" or "-"';

export class CreateSubscriptionDto {
  @ApiProperty({ format: 'uri', pattern: '^https?://', maxLength: 2048, description: 'Where deliveries are POSTed (http or https).' })
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2048)
  @IsString()
  url!: string;

  @ApiProperty({ type: [String], enum: [...WEBHOOK_EVENT_TYPES], minItems: 1, maxItems: 50, uniqueItems: true })
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: TYPES_MESSAGE })
  @ArrayUnique({ message: 'eventTypes must not repeat a type' })
  @ArrayMaxSize(50)
  @ArrayMinSize(1)
  @IsArray()
  eventTypes!: string[];

  @ApiProperty({ maxLength: 500, pattern: '\\S', description: 'What the subscription is for, for the people reading the audit trail.' })
  @IsShortText(500)
  description!: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    uniqueItems: true,
    description:
      'Configured erasure systems bound to this subscription: a `deletion-requested` delivery carries their tasks (else 422 `unknown-system`).',
  })
  @IsOptional()
  @Matches(SYSTEM_ID_PATTERN, { each: true, message: SYSTEMS_MESSAGE })
  @IsString({ each: true, message: SYSTEMS_MESSAGE })
  @ArrayUnique({ message: 'erasureSystems must not repeat a system' })
  @ArrayMaxSize(20)
  @IsArray()
  erasureSystems?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    uniqueItems: true,
    description:
      'Recipients (the `recipient.id` of transfers) this subscription speaks for: a `recipient-notification-required` delivered to it lists only them, and its 2xx records `recipient-notified` (channel `webhook`) for each.',
  })
  @IsOptional()
  @Matches(RECIPIENT_ID_PATTERN, { each: true, message: RECIPIENTS_MESSAGE })
  @IsString({ each: true, message: RECIPIENTS_MESSAGE })
  @ArrayUnique({ message: 'recipientIds must not repeat a recipient' })
  @ArrayMaxSize(50)
  @IsArray()
  recipientIds?: string[];
}

export class ChangeSubscriptionDto {
  @ApiPropertyOptional({ description: 'true pauses deliveries (they are kept, and sent on resume); false resumes.' })
  @IsOptional()
  @IsBoolean({ message: 'paused must be true or false' })
  paused?: boolean;

  @ApiPropertyOptional({ format: 'uri', pattern: '^https?://', maxLength: 2048 })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2048)
  @IsString()
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: [...WEBHOOK_EVENT_TYPES], minItems: 1, maxItems: 50, uniqueItems: true })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: TYPES_MESSAGE })
  @ArrayUnique({ message: 'eventTypes must not repeat a type' })
  @ArrayMaxSize(50)
  @ArrayMinSize(1)
  @IsArray()
  eventTypes?: string[];

  @ApiPropertyOptional({ maxLength: 500, pattern: '\\S' })
  @IsOptional()
  @IsShortText(500)
  description?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, uniqueItems: true })
  @IsOptional()
  @Matches(SYSTEM_ID_PATTERN, { each: true, message: SYSTEMS_MESSAGE })
  @IsString({ each: true, message: SYSTEMS_MESSAGE })
  @ArrayUnique({ message: 'erasureSystems must not repeat a system' })
  @ArrayMaxSize(20)
  @IsArray()
  erasureSystems?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    uniqueItems: true,
    description:
      'Recipients (the `recipient.id` of transfers) this subscription speaks for: a `recipient-notification-required` delivered to it lists only them, and its 2xx records `recipient-notified` (channel `webhook`) for each.',
  })
  @IsOptional()
  @Matches(RECIPIENT_ID_PATTERN, { each: true, message: RECIPIENTS_MESSAGE })
  @IsString({ each: true, message: RECIPIENTS_MESSAGE })
  @ArrayUnique({ message: 'recipientIds must not repeat a recipient' })
  @ArrayMaxSize(50)
  @IsArray()
  recipientIds?: string[];
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 2_592_000,
    description: 'How long the replaced secrets keep signing, in seconds (default LEDGER_WEBHOOK_SECRET_OVERLAP_HOURS).',
  })
  @IsOptional()
  @IsInt({ message: 'overlapSeconds must be a whole number of seconds' })
  @Min(0)
  @Max(2_592_000)
  overlapSeconds?: number;
}
