import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { toWholeNumber } from '../../http/query-values.js';
import { FreshnessQuery } from '../../projections/freshness.query.js';
import { MAX_PAGE_SIZE } from './paging.js';

export class PagedQuery extends FreshnessQuery {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.', pattern: '^[A-Za-z0-9_-]+$', maxLength: 1000 })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this API gave out' })
  @MaxLength(1000)
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, description: 'Page size (JSON only; CSV gives everything from the cursor on).' })
  @IsOptional()
  @Transform(toWholeNumber)
  @Max(MAX_PAGE_SIZE)
  @Min(1)
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  limit?: number;
}
