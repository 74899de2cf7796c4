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
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { message: 'recipient.id must be 1-128 letters, digits, "_", ".", ":" or "-"' })
  @IsString()
  id!: string;

  @IsShortText(200)
  name!: string;

  @IsIn(RECIPIENT_KINDS, { message: `kind must be one of: ${RECIPIENT_KINDS.join(', ')}` })
  kind!: RecipientKind;
}

export class RecordTransferDto {
  @Type(() => RecipientDto)
  @ValidateNested()
  @IsObject()
  @IsDefined()
  recipient!: RecipientDto;

  @IsISO31661Alpha2({ message: 'country is not an ISO 3166-1 alpha-2 country code' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an upper-case ISO 3166-1 alpha-2 code such as IN or SG' })
  @IsString()
  country!: string;

  @IsDataCategoryList()
  @ArrayMaxSize(DATA_CATEGORIES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  dataCategories!: DataCategory[];

  @IsIn(PURPOSES, { message: `purpose must be one of: ${PURPOSES.join(', ')}` })
  purpose!: PurposeId;

  @IsIn(LEGAL_BASES, { message: `legalBasis must be one of: ${LEGAL_BASES.join(', ')}` })
  legalBasis!: LegalBasis;

  @IsOptional()
  @MaxLength(200)
  @IsString()
  reference?: string;

  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
