import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsOptional } from 'class-validator';
import { CHANNELS, PURPOSES, type Channel, type PurposeId } from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class WithdrawConsentDto {
  /** Omitted: every purpose granted at that moment. */
  @ApiPropertyOptional({
    enum: PURPOSES,
    enumName: 'Purpose',
    isArray: true,
    minItems: 1,
    maxItems: PURPOSES.length * 2,
    description: 'Omitted: every purpose granted at that moment.',
  })
  @IsOptional()
  @IsIn(PURPOSES, { each: true, message: `each value in purposes must be one of: ${PURPOSES.join(', ')}` })
  @ArrayMaxSize(PURPOSES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  purposes?: PurposeId[];

  @ApiPropertyOptional({ enum: CHANNELS, enumName: 'Channel' })
  @IsOptional()
  @IsIn(CHANNELS, { message: `channel must be one of: ${CHANNELS.join(', ')}` })
  channel?: Channel;

  @ApiPropertyOptional({ maxLength: 1000, pattern: '\\S', description: 'Why (personal data, stored encrypted).' })
  @IsOptional()
  @IsShortText(1000)
  reason?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened in the caller’s world (with a time zone; at most 5 minutes in the future). Default: now.',
  })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
