import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { TENANT_ID_PATTERN } from '../../domain/catalogue.js';
import { PagedQuery } from '../shared/read-queries.dto.js';
import { FreshnessQuery } from '../../projections/freshness.query.js';

export const GRIEVANCE_STATES = ['open', 'overdue', 'resolved'] as const;
export type GrievanceStateFilter = (typeof GRIEVANCE_STATES)[number];

export class GrievancesQuery extends PagedQuery {
  @ApiPropertyOptional({ description: 'Only this tenant’s grievances.', pattern: TENANT_ID_PATTERN.source, maxLength: 64 })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;

  @ApiPropertyOptional({ enum: GRIEVANCE_STATES, description: '`overdue`: open past its deadline.' })
  @IsOptional()
  @IsIn(GRIEVANCE_STATES, { message: `state must be one of: ${GRIEVANCE_STATES.join(', ')}` })
  state?: GrievanceStateFilter;
}

export class GrievanceSummaryQuery extends FreshnessQuery {
  @ApiPropertyOptional({ description: 'Only this tenant’s grievances.', pattern: TENANT_ID_PATTERN.source, maxLength: 64 })
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;
}
