import { IsOptional } from 'class-validator';
import { IsDateTime, IsShortText } from '../../http/validators.js';

export class RequestErasureDto {
  @IsOptional()
  @IsShortText(1000)
  reason?: string;

  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
