import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { POLICY_VERSION_PATTERN } from '../domain/policy/policy.events.js';
import { TenantParams } from './subject-params.dto.js';

export const POLICY_VERSION_MESSAGE = 'must be a version label of 1-64 letters, digits, ".", "_" or "-", such as 2026-04 or v3.1';

export class PolicyParams extends TenantParams {
  @ApiProperty({ description: 'A policy version label.', pattern: POLICY_VERSION_PATTERN.source, maxLength: 64, example: '2026-04' })
  @Matches(POLICY_VERSION_PATTERN, { message: `version ${POLICY_VERSION_MESSAGE}` })
  @IsString()
  version!: string;
}
