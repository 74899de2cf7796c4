import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { SYSTEM_ID_PATTERN } from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class ConfirmErasureDto {
  @ApiProperty({
    description: 'The system that deleted the data; one of the configured erasure systems (else 422 `unknown-system`).',
    pattern: SYSTEM_ID_PATTERN.source,
    maxLength: 64,
    example: 'crm',
  })
  @Matches(SYSTEM_ID_PATTERN, { message: 'system must be a system id such as crm or backups' })
  @IsString()
  system!: string;

  /** A reference to the system's own proof (ticket, job id, log line). */
  @ApiPropertyOptional({
    description: 'A reference to the system’s own proof (ticket, job id, log line).',
    maxLength: 2000,
    pattern: '\\S',
  })
  @IsOptional()
  @IsShortText(2000)
  evidence?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened in the caller’s world (with a time zone; at most 5 minutes in the future). Default: now.',
  })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
