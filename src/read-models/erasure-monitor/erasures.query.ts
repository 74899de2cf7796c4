import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { TENANT_ID_PATTERN } from '../../domain/catalogue.js';
import { PagedQuery } from '../shared/read-queries.dto.js';
import { FreshnessQuery } from '../../projections/freshness.query.js';

export const ERASURE_STATES = ['open', 'overdue', 'completed'] as const;
export type ErasureStateFilter = (typeof ERASURE_STATES)[number];

export const RECIPIENT_NOTICE_FILTERS = ['owed', 'overdue'] as const;
export type RecipientNoticeFilter = (typeof RECIPIENT_NOTICE_FILTERS)[number];

export class ErasuresQuery extends PagedQuery {
  @ApiPropertyOptional({ description: 'Only this tenant’s erasures.', pattern: TENANT_ID_PATTERN.source, maxLength: 64 })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;

  @ApiPropertyOptional({ enum: ERASURE_STATES, description: '`overdue`: open past its deadline.' })
  @IsOptional()
  @IsIn(ERASURE_STATES, { message: `state must be one of: ${ERASURE_STATES.join(', ')}` })
  state?: ErasureStateFilter;

  @ApiPropertyOptional({
    enum: RECIPIENT_NOTICE_FILTERS,
    description:
      'Only erasures with recipients still to be told (Art. 19): `owed`, any; `overdue`, past the erasure’s `dueAt` (judged now), whatever the erasure’s own state.',
  })
  @IsOptional()
  @IsIn(RECIPIENT_NOTICE_FILTERS, { message: `recipients must be one of: ${RECIPIENT_NOTICE_FILTERS.join(', ')}` })
  recipients?: RecipientNoticeFilter;
}

export class ErasureSummaryQuery extends FreshnessQuery {
  @ApiPropertyOptional({ description: 'Only this tenant’s erasures.', pattern: TENANT_ID_PATTERN.source, maxLength: 64 })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;
}
