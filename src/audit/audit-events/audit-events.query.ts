import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { TENANT_ID_PATTERN } from '../../domain/catalogue.js';

export class AuditEventsQuery {
  /** Inclusive: the first event returned has `globalPosition >= fromPosition`. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'fromPosition must be a whole number' })
  @Min(0)
  fromPosition?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  limit?: number;

  @IsOptional()
  @IsString()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;
}
