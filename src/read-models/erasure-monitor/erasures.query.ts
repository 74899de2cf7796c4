import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { TENANT_ID_PATTERN } from '../../domain/catalogue.js';
import { PagedQuery } from '../shared/read-queries.dto.js';
import { FreshnessQuery } from '../../projections/freshness.query.js';

export const ERASURE_STATES = ['open', 'overdue', 'completed'] as const;
export type ErasureStateFilter = (typeof ERASURE_STATES)[number];

export class ErasuresQuery extends PagedQuery {
  @ApiPropertyOptional({ description: 'Only this tenant’s erasures.', pattern: TENANT_ID_PATTERN.source, maxLength: 64 })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;

  @ApiPropertyOptional({ enum: ERASURE_STATES, description: '`overdue`: open past its deadline.' })
  @IsOptional()
  @IsIn(ERASURE_STATES, { message: `state must be one of: ${ERASURE_STATES.join(', ')}` })
  state?: ErasureStateFilter;
}

export class ErasureSummaryQuery extends FreshnessQuery {
  @ApiPropertyOptional({ description: 'Only this tenant’s erasures.', pattern: TENANT_ID_PATTERN.source, maxLength: 64 })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;
}
