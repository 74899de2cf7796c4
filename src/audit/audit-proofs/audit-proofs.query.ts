import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { toWholeNumber } from '../../http/query-values.js';
import { FreshnessQuery } from '../../projections/freshness.query.js';

export class TreeSizeQuery extends FreshnessQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'The tree size to prove against; default: every event in the Merkle log so far.' })
  @IsOptional()
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'treeSize must be a whole number' })
  treeSize?: number;
}

export class ConsistencyQuery extends FreshnessQuery {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The earlier tree size.' })
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'from must be a whole number (an earlier tree size)' })
  from!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The later tree size; at most the current size.' })
  @Transform(toWholeNumber)
  @Min(0)
  @IsInt({ message: 'to must be a whole number (a later tree size)' })
  to!: number;
}
