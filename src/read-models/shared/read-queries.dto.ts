import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { toWholeNumber } from '../../http/query-values.js';
import { MAX_PAGE_SIZE } from './paging.js';

/** `?atLeast=N`: the read waits until its read model has applied global position N. */
export class FreshnessQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description:
      'A `globalPosition` from a command answer: the read waits (at most 2 s) until its read models have applied it, else 503 `read-model-lagging` (400 naming `atLeast` if no event was written at that position).',
  })
  @IsOptional()
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'atLeast must be a whole number (a globalPosition from a command answer)' })
  atLeast?: number;
}

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
