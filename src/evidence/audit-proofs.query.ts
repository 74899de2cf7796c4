import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { toWholeNumber } from '../http/query-values.js';
import { FreshnessQuery } from '../read-models/shared/read-queries.dto.js';

export class TreeSizeQuery extends FreshnessQuery {
  @IsOptional()
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'treeSize must be a whole number' })
  treeSize?: number;
}

export class ConsistencyQuery extends FreshnessQuery {
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'from must be a whole number (an earlier tree size)' })
  from!: number;

  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'to must be a whole number (a later tree size)' })
  to!: number;
}
