import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class RequestErasureDto {
  @ApiPropertyOptional({ maxLength: 1000, pattern: '\\S', description: 'Why (personal data, stored encrypted).' })
  @IsOptional()
  @IsShortText(1000)
  reason?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened in the caller’s world (with a time zone; at most 5 minutes in the future). Default: now.',
  })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
