import { IsOptional } from 'class-validator';
import { IsDateTime } from '../../http/validators.js';
import { FreshnessQuery } from '../shared/read-queries.dto.js';

export class SubjectStatusQuery extends FreshnessQuery {
  /** The status at this instant, proven by the ids of the events it rests on. */
  @IsOptional()
  @IsDateTime()
  asOf?: string;
}
