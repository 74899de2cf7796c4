import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO31661Alpha2, IsOptional, Matches } from 'class-validator';
import { PURPOSES, RECIPIENT_KINDS } from '../../domain/catalogue.js';
import { IsDateTime } from '../../http/validators.js';
import { PagedQuery } from '../shared/read-queries.dto.js';

export class TransferRegisterQuery extends PagedQuery {
  @ApiPropertyOptional({ description: 'Destination country, ISO 3166-1 alpha-2.', pattern: '^[A-Z]{2}$', example: 'SG' })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'country is not an ISO 3166-1 alpha-2 country code' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an upper-case ISO 3166-1 alpha-2 code such as IN or SG' })
  country?: string;

  @ApiPropertyOptional({ enum: RECIPIENT_KINDS, enumName: 'RecipientKind' })
  @IsOptional()
  @IsIn(RECIPIENT_KINDS, { message: `recipientKind must be one of: ${RECIPIENT_KINDS.join(', ')}` })
  recipientKind?: string;

  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', maxLength: 128 })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { message: 'recipientId must be 1-128 letters, digits, "_", ".", ":" or "-"' })
  recipientId?: string;

  @ApiPropertyOptional({ enum: PURPOSES, enumName: 'Purpose' })
  @IsOptional()
  @IsIn(PURPOSES, { message: `purpose must be one of: ${PURPOSES.join(', ')}` })
  purpose?: string;

  /** Inclusive lower bound on `occurredAt`. */
  @ApiPropertyOptional({ format: 'date-time', description: 'Inclusive lower bound on `occurredAt`.' })
  @IsOptional()
  @IsDateTime({ anyInstant: true })
  from?: string;

  /** Exclusive upper bound on `occurredAt`. */
  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive upper bound on `occurredAt`; later than `from`.' })
  @IsOptional()
  @IsDateTime({ anyInstant: true })
  to?: string;
}
