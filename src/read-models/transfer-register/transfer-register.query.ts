import { IsIn, IsISO31661Alpha2, IsOptional, Matches } from 'class-validator';
import { PURPOSES, RECIPIENT_KINDS } from '../../domain/catalogue.js';
import { IsDateTime } from '../../http/validators.js';
import { PagedQuery } from '../shared/read-queries.dto.js';

export class TransferRegisterQuery extends PagedQuery {
  @IsOptional()
  @IsISO31661Alpha2({ message: 'country is not an ISO 3166-1 alpha-2 country code' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an upper-case ISO 3166-1 alpha-2 code such as IN or SG' })
  country?: string;

  @IsOptional()
  @IsIn(RECIPIENT_KINDS, { message: `recipientKind must be one of: ${RECIPIENT_KINDS.join(', ')}` })
  recipientKind?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { message: 'recipientId must be 1-128 letters, digits, "_", ".", ":" or "-"' })
  recipientId?: string;

  @IsOptional()
  @IsIn(PURPOSES, { message: `purpose must be one of: ${PURPOSES.join(', ')}` })
  purpose?: string;

  /** Inclusive lower bound on `occurredAt`. */
  @IsOptional()
  @IsDateTime()
  from?: string;

  /** Exclusive upper bound on `occurredAt`. */
  @IsOptional()
  @IsDateTime()
  to?: string;
}
