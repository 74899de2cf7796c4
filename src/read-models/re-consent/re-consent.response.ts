import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiInstant, ApiNextCursor, ApiNullableInstant, ApiNullableText, ApiText } from '../../http/openapi/properties.js';

class ReConsentPurposeDto {
  @ApiText() purpose!: string;
  @ApiText({ description: 'The older version the purpose was granted under.' }) policyVersion!: string;
  @ApiInstant() since!: string;
}

class ReConsentSubjectDto {
  @ApiText() subjectId!: string;
  @ApiProperty({ type: () => [ReConsentPurposeDto] }) purposes!: ReConsentPurposeDto[];
}

@ApiSchema({ name: 'ReConsent', description: 'Who must consent again after the latest material policy change, and for which purposes.' })
export class ReConsentDto {
  @ApiText() tenantId!: string;
  @ApiNullableText({ description: 'The latest material version in force; null when none was published.' }) materialVersion!: string | null;
  @ApiNullableInstant() effectiveFrom!: string | null;
  @ApiProperty({ type: () => [ReConsentSubjectDto] }) subjects!: ReConsentSubjectDto[];
  @ApiNextCursor() nextCursor!: string | null;
}
