import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { POLICY_VERSION_PATTERN } from '../../domain/policy/policy.events.js';
import { POLICY_VERSION_MESSAGE } from '../../http/policy-params.dto.js';
import { IsDateTime } from '../../http/validators.js';

export class PublishPolicyDto {
  @ApiProperty({ pattern: POLICY_VERSION_PATTERN.source, maxLength: 64, example: '2026-04' })
  @Matches(POLICY_VERSION_PATTERN, { message: `version ${POLICY_VERSION_MESSAGE}` })
  @IsString()
  version!: string;

  /** When the text starts to govern consent; past or future. */
  @ApiProperty({ format: 'date-time', description: 'When the text starts to govern consent; past or future.' })
  @IsDateTime()
  effectiveFrom!: string;

  // Strictly a JSON boolean: "true" or 1 would be guessing what the caller meant.
  @ApiProperty({ description: 'A material change: those who consented under an older version must consent again.' })
  @IsBoolean({ message: 'material must be true or false' })
  material!: boolean;

  @ApiProperty({ format: 'uri', pattern: '^https://', maxLength: 2048, description: 'Where the policy text is (https).' })
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'url must be an https URL of the policy text' })
  @MaxLength(2048)
  @IsString()
  url!: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the policy text, lower-case hex.' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'textSha256 must be the SHA-256 of the text as 64 lower-case hex digits' })
  @IsString()
  textSha256!: string;

  /** When it was published in the caller's world; the ledger also stamps recordedAt. */
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened in the caller’s world (with a time zone; at most 5 minutes in the future). Default: now.',
  })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
