import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { NOTIFICATION_CHANNELS, RECIPIENT_ID_PATTERN, type NotificationChannel } from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

/** Ids the ledger gives (UUIDv7); the same shape as a grievanceId. */
const NOTIFICATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export class RecordRecipientNotificationDto {
  @ApiProperty({
    description: 'The recipient told: the `recipient.id` of the transfers it received.',
    pattern: RECIPIENT_ID_PATTERN.source,
    maxLength: 128,
    example: 'aws-sg',
  })
  @Matches(RECIPIENT_ID_PATTERN, { message: 'recipientId must be 1-128 letters, digits, "_", ".", ":" or "-"' })
  @IsString()
  recipientId!: string;

  @ApiPropertyOptional({
    description:
      'The notice answered (`notificationId` of `recipient-notification-required`; for an erasure, its `deletionId`). Omitted: every notice still owed to the recipient.',
    pattern: NOTIFICATION_ID_PATTERN.source,
    maxLength: 64,
  })
  @IsOptional()
  @Matches(NOTIFICATION_ID_PATTERN, { message: 'notificationId must be the notificationId (or deletionId) the ledger gave' })
  @IsString()
  notificationId?: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS, enumName: 'NotificationChannel', description: 'How the recipient was told.' })
  @IsIn(NOTIFICATION_CHANNELS, { message: `channel must be one of: ${NOTIFICATION_CHANNELS.join(', ')}` })
  channel!: NotificationChannel;

  @ApiPropertyOptional({
    description: 'A reference to the proof (message id, ticket, letter reference); stored encrypted.',
    maxLength: 2000,
    pattern: '\\S',
  })
  @IsOptional()
  @IsShortText(2000)
  evidence?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the recipient was told (with a time zone; at most 5 minutes in the future). Default: now.',
  })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
