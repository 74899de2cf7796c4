import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { toWholeNumber } from '../../http/query-values.js';
import { MAX_PAGE_SIZE } from './paging.js';

/** `?atLeast=N`: the read waits until its read model has applied global position N. */
export class FreshnessQuery {
  @IsOptional()
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'atLeast must be a whole number (a globalPosition from a command answer)' })
  atLeast?: number;
}

export class PagedQuery extends FreshnessQuery {
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this API gave out' })
  @MaxLength(1000)
  @IsString()
  cursor?: string;

  @IsOptional()
  @Transform(toWholeNumber)
  @Max(MAX_PAGE_SIZE)
  @Min(1)
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  limit?: number;
}
