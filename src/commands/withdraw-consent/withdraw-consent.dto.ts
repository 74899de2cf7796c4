import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsOptional } from 'class-validator';
import { CHANNELS, PURPOSES, type Channel, type PurposeId } from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class WithdrawConsentDto {
  /** Omitted: every purpose granted at that moment. */
  @IsOptional()
  @IsIn(PURPOSES, { each: true, message: `each value in purposes must be one of: ${PURPOSES.join(', ')}` })
  @ArrayMaxSize(PURPOSES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  purposes?: PurposeId[];

  @IsOptional()
  @IsIn(CHANNELS, { message: `channel must be one of: ${CHANNELS.join(', ')}` })
  channel?: Channel;

  @IsOptional()
  @IsShortText(1000)
  reason?: string;

  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
