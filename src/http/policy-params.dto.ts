import { IsString, Matches } from 'class-validator';
import { POLICY_VERSION_PATTERN } from '../domain/policy/policy.events.js';
import { TenantParams } from './subject-params.dto.js';

export const POLICY_VERSION_MESSAGE = 'must be a version label of 1-64 letters, digits, ".", "_" or "-", such as 2026-04 or v3.1';

export class PolicyParams extends TenantParams {
  @Matches(POLICY_VERSION_PATTERN, { message: `version ${POLICY_VERSION_MESSAGE}` })
  @IsString()
  version!: string;
}
