import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { GRIEVANCE_CATEGORIES, GRIEVANCE_CHANNELS, type GrievanceCategory, type GrievanceChannel } from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class LodgeGrievanceDto {
  @ApiProperty({ enum: GRIEVANCE_CATEGORIES, enumName: 'GrievanceCategory' })
  @IsIn(GRIEVANCE_CATEGORIES, { message: `category must be one of: ${GRIEVANCE_CATEGORIES.join(', ')}` })
  category!: GrievanceCategory;

  @ApiProperty({ enum: GRIEVANCE_CHANNELS, enumName: 'GrievanceChannel' })
  @IsIn(GRIEVANCE_CHANNELS, { message: `channel must be one of: ${GRIEVANCE_CHANNELS.join(', ')}` })
  channel!: GrievanceChannel;

  /** When the company received the grievance: the deadline runs from here (it is the event's occurredAt). */
  @ApiProperty({
    format: 'date-time',
    description: 'When the company received the grievance: the deadline runs from here. At most 5 minutes in the future.',
  })
  @IsDateTime()
  receivedAt!: string;

  /** The subject's complaint in their own words: personal data. */
  @ApiPropertyOptional({
    description: 'The complaint in the subject’s own words: personal data, stored encrypted.',
    maxLength: 2000,
    pattern: '\\S',
  })
  @IsOptional()
  @IsShortText(2000)
  description?: string;
}
