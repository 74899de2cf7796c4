import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsIP,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, PURPOSES, SUBJECT_TYPES, type Channel, type PurposeId, type SubjectType } from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class ConsentEvidenceDto {
  @ApiPropertyOptional({
    type: 'string',
    anyOf: [
      { type: 'string', format: 'ipv4' },
      { type: 'string', format: 'ipv6' },
    ],
    description: 'IPv4 or IPv6 address (personal data, stored encrypted).',
    example: '203.0.113.7',
  })
  @IsOptional()
  @IsIP(undefined, { message: 'ipAddress must be an IPv4 or IPv6 address' })
  ipAddress?: string;

  @ApiPropertyOptional({ maxLength: 1000, pattern: '\\S' })
  @IsOptional()
  @IsShortText(1000)
  userAgent?: string;

  /** How the subject was reached (e-mail address, phone number): personal data. */
  @ApiPropertyOptional({
    description: 'How the subject was reached (e-mail address, phone number): personal data, stored encrypted.',
    maxLength: 320,
    pattern: '\\S',
  })
  @IsOptional()
  @IsShortText(320)
  contact?: string;
}

export class GiveConsentDto {
  @ApiProperty({
    enum: PURPOSES,
    enumName: 'Purpose',
    isArray: true,
    minItems: 1,
    maxItems: PURPOSES.length * 2,
    description: 'The purposes consented to.',
  })
  @IsIn(PURPOSES, { each: true, message: `each value in purposes must be one of: ${PURPOSES.join(', ')}` })
  @ArrayMaxSize(PURPOSES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  purposes!: PurposeId[];

  @ApiProperty({
    description: 'The policy version the consent was given under.',
    pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$',
    maxLength: 64,
    example: '2024-06',
  })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { message: 'policyVersion must be a version label such as 2024-06 or v3.1' })
  @MaxLength(64)
  @IsString()
  policyVersion!: string;

  @ApiProperty({ enum: CHANNELS, enumName: 'Channel' })
  @IsIn(CHANNELS, { message: `channel must be one of: ${CHANNELS.join(', ')}` })
  channel!: Channel;

  @ApiPropertyOptional({ enum: SUBJECT_TYPES, enumName: 'SubjectType' })
  @IsOptional()
  @IsIn(SUBJECT_TYPES, { message: `subjectType must be one of: ${SUBJECT_TYPES.join(', ')}` })
  subjectType?: SubjectType;

  @ApiPropertyOptional({ type: () => ConsentEvidenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentEvidenceDto)
  evidence?: ConsentEvidenceDto;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened in the caller’s world (with a time zone; at most 5 minutes in the future). Default: now.',
  })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
