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
  @IsOptional()
  @IsIP(undefined, { message: 'ipAddress must be an IPv4 or IPv6 address' })
  ipAddress?: string;

  @IsOptional()
  @IsShortText(1000)
  userAgent?: string;

  /** How the subject was reached (e-mail address, phone number): personal data. */
  @IsOptional()
  @IsShortText(320)
  contact?: string;
}

export class GiveConsentDto {
  @IsIn(PURPOSES, { each: true, message: `each value in purposes must be one of: ${PURPOSES.join(', ')}` })
  @ArrayMaxSize(PURPOSES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  purposes!: PurposeId[];

  @Matches(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { message: 'policyVersion must be a version label such as 2024-06 or v3.1' })
  @MaxLength(64)
  @IsString()
  policyVersion!: string;

  @IsIn(CHANNELS, { message: `channel must be one of: ${CHANNELS.join(', ')}` })
  channel!: Channel;

  @IsOptional()
  @IsIn(SUBJECT_TYPES, { message: `subjectType must be one of: ${SUBJECT_TYPES.join(', ')}` })
  subjectType?: SubjectType;

  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentEvidenceDto)
  evidence?: ConsentEvidenceDto;

  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
