import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsDateTime } from '../../http/validators.js';
import { FreshnessQuery } from '../../projections/freshness.query.js';

export class SubjectStatusQuery extends FreshnessQuery {
  /** The status at this instant, proven by the ids of the events it rests on. */
  @ApiPropertyOptional({ format: 'date-time', description: 'The status at this instant, with the ids of the events that prove it and their inclusion proofs.' })
  @IsOptional()
  @IsDateTime()
  asOf?: string;
}
