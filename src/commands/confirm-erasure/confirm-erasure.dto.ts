import { IsOptional, IsString, Matches } from 'class-validator';
import { SYSTEM_ID_PATTERN } from '../../domain/catalogue.js';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class ConfirmErasureDto {
  @Matches(SYSTEM_ID_PATTERN, { message: 'system must be a system id such as crm or backups' })
  @IsString()
  system!: string;

  /** A reference to the system's own proof (ticket, job id, log line). */
  @IsOptional()
  @IsShortText(2000)
  evidence?: string;

  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
