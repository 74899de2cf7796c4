import { IsBoolean, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { POLICY_VERSION_PATTERN } from '../../domain/policy/policy.events.js';
import { POLICY_VERSION_MESSAGE } from '../../http/policy-params.dto.js';
import { IsDateTime } from '../../http/validators.js';

export class PublishPolicyDto {
  @Matches(POLICY_VERSION_PATTERN, { message: `version ${POLICY_VERSION_MESSAGE}` })
  @IsString()
  version!: string;

  /** When the text starts to govern consent; past or future. */
  @IsDateTime()
  effectiveFrom!: string;

  // Strictly a JSON boolean: "true" or 1 would be guessing what the caller meant.
  @IsBoolean({ message: 'material must be true or false' })
  material!: boolean;

  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'url must be an https URL of the policy text' })
  @MaxLength(2048)
  @IsString()
  url!: string;

  @Matches(/^[0-9a-f]{64}$/, { message: 'textSha256 must be the SHA-256 of the text as 64 lower-case hex digits' })
  @IsString()
  textSha256!: string;

  /** When it was published in the caller's world; the ledger also stamps recordedAt. */
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
