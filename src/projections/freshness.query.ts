import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { toWholeNumber } from '../http/query-values.js';

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
