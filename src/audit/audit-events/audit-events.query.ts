import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { TENANT_ID_PATTERN } from '../../domain/catalogue.js';
import { toWholeNumber } from '../../http/query-values.js';

export class AuditEventsQuery {
  /** Inclusive: the first event returned has `globalPosition >= fromPosition`. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Inclusive: the first event returned has `globalPosition >= fromPosition`.',
  })
  @IsOptional()
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'fromPosition must be a whole number' })
  fromPosition?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'At most this many events.' })
  @IsOptional()
  @Transform(toWholeNumber)
  @Max(Number.MAX_SAFE_INTEGER)
  @Min(1)
  @IsInt({ message: 'limit must be a whole number' })
  limit?: number;

  @ApiPropertyOptional({ description: 'Only this tenant’s events.', pattern: TENANT_ID_PATTERN.source, maxLength: 64 })
  @IsOptional()
  @IsString()
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId?: string;

  /**
   * `true`: keep the stream open as Server-Sent Events (as `Accept: text/event-stream` does).
   * Left out of the OpenAPI parameters on purpose: a generated request (Schemathesis) must
   * get the bounded export, never a stream that does not end; the operation's description
   * names it.
   */
  @ApiHideProperty()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'follow must be true or false' })
  follow?: boolean;
}
