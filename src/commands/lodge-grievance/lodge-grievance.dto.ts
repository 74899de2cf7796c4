import { IsIn, IsOptional } from 'class-validator';
import {
  GRIEVANCE_CATEGORIES,
  GRIEVANCE_CHANNELS,
  type GrievanceCategory,
  type GrievanceChannel,
} from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class LodgeGrievanceDto {
  @IsIn(GRIEVANCE_CATEGORIES, { message: `category must be one of: ${GRIEVANCE_CATEGORIES.join(', ')}` })
  category!: GrievanceCategory;

  @IsIn(GRIEVANCE_CHANNELS, { message: `channel must be one of: ${GRIEVANCE_CHANNELS.join(', ')}` })
  channel!: GrievanceChannel;

  /** When the company received the grievance: the deadline runs from here (it is the event's occurredAt). */
  @IsDateTime()
  receivedAt!: string;

  /** The subject's complaint in their own words: personal data. */
  @IsOptional()
  @IsShortText(2000)
  description?: string;
}
