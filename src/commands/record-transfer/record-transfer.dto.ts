import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsDefined,
  IsIn,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  DATA_CATEGORIES,
  LEGAL_BASES,
  PURPOSES,
  RECIPIENT_KINDS,
  type DataCategory,
  type LegalBasis,
  type PurposeId,
  type RecipientKind,
} from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';
import { IsDataCategoryList } from './data-category.validator.js';

export class RecipientDto {
  @ApiProperty({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', maxLength: 128, example: 'aws-sg' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { message: 'recipient.id must be 1-128 letters, digits, "_", ".", ":" or "-"' })
  @IsString()
  id!: string;

  @ApiProperty({ maxLength: 200, pattern: '\\S', example: 'Amazon Web Services' })
  @IsShortText(200)
  name!: string;

  @ApiProperty({ enum: RECIPIENT_KINDS, enumName: 'RecipientKind' })
  @IsIn(RECIPIENT_KINDS, { message: `kind must be one of: ${RECIPIENT_KINDS.join(', ')}` })
  kind!: RecipientKind;
}

export class RecordTransferDto {
  @ApiProperty({ type: () => RecipientDto })
  @Type(() => RecipientDto)
  @ValidateNested()
  @IsObject()
  @IsDefined()
  recipient!: RecipientDto;

  @ApiProperty({ description: 'Destination country, ISO 3166-1 alpha-2 (upper case).', pattern: '^[A-Z]{2}$', example: 'SG' })
  @IsISO31661Alpha2({ message: 'country is not an ISO 3166-1 alpha-2 country code' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an upper-case ISO 3166-1 alpha-2 code such as IN or SG' })
  @IsString()
  country!: string;

  @ApiProperty({
    enum: DATA_CATEGORIES,
    enumName: 'DataCategory',
    isArray: true,
    minItems: 1,
    maxItems: DATA_CATEGORIES.length * 2,
    description: 'What the transfer carries. Payment data is never held, so there is no category for it.',
  })
  @IsDataCategoryList()
  @ArrayMaxSize(DATA_CATEGORIES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  dataCategories!: DataCategory[];

  @ApiProperty({ enum: PURPOSES, enumName: 'Purpose' })
  @IsIn(PURPOSES, { message: `purpose must be one of: ${PURPOSES.join(', ')}` })
  purpose!: PurposeId;

  @ApiProperty({
    enum: LEGAL_BASES,
    enumName: 'LegalBasis',
    description: '`consent` is refused (409 `consent-not-active`) unless the purpose is granted at that moment.',
  })
  @IsIn(LEGAL_BASES, { message: `legalBasis must be one of: ${LEGAL_BASES.join(', ')}` })
  legalBasis!: LegalBasis;

  @ApiPropertyOptional({ maxLength: 200, description: 'The caller’s own reference (job, batch): stored encrypted.' })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  reference?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened in the caller’s world (with a time zone; at most 5 minutes in the future). Default: now.',
  })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
