import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiCount, ApiInstant, ApiNullableNumber, ApiText, ApiTextList } from '../../http/openapi/properties.js';

class RecordPurposeDto {
  @ApiText() purpose!: string;
  @ApiText() description!: string;
  @ApiCount() subjectsGranted!: number;
  @ApiCount() transfers!: number;
}

class RecordSubjectsDto {
  @ApiCount() total!: number;
  // No minimum: the counts are separate queries, so `unspecified` (total minus typed) can be
  // off by the subjects recorded between them.
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'By subject type, plus `unspecified`.' })
  byType!: Record<string, number>;
}

class CategoryTallyDto {
  @ApiText() category!: string;
  @ApiCount() transfers!: number;
}

class LegalBasisTallyDto {
  @ApiText() legalBasis!: string;
  @ApiCount() transfers!: number;
}

class RecordRecipientDto {
  @ApiText() id!: string;
  @ApiText() name!: string;
  @ApiText() kind!: string;
  @ApiCount() transfers!: number;
  @ApiInstant() firstAt!: string;
  @ApiInstant() lastAt!: string;
  @ApiTextList() countries!: string[];
  @ApiTextList() dataCategories!: string[];
  @ApiTextList() purposes!: string[];
  @ApiTextList() legalBases!: string[];
}

class KindCountryDto {
  @ApiText() kind!: string;
  @ApiText() country!: string;
  @ApiCount() recipients!: number;
  @ApiCount() transfers!: number;
}

class CrossBorderDto {
  @ApiText() country!: string;
  @ApiCount() transfers!: number;
  @ApiInstant() firstAt!: string;
  @ApiInstant() lastAt!: string;
  @ApiTextList() recipientKinds!: string[];
  @ApiTextList() dataCategories!: string[];
  @ApiTextList() legalBases!: string[];
  @ApiCount() recipients!: number;
}

class RecordErasureDto {
  @ApiCount() deadlineDays!: number;
  @ApiTextList() systems!: string[];
  @ApiCount() requested!: number;
  @ApiCount() open!: number;
  @ApiCount() overdue!: number;
  @ApiCount() completed!: number;
  @ApiCount() completedOnTime!: number;
  @ApiNullableNumber({ minimum: 0, maximum: 1 }) onTimeShare!: number | null;
  @ApiNullableNumber() p50HoursToComplete!: number | null;
  @ApiNullableNumber() p95HoursToComplete!: number | null;
}

class RecordGrievancesDto {
  @ApiText({ description: '"one calendar month" or "<n> days".' }) deadline!: string;
  @ApiCount() lodged!: number;
  @ApiCount() open!: number;
  @ApiCount() overdue!: number;
  @ApiCount() resolved!: number;
  @ApiCount() resolvedOnTime!: number;
  @ApiNullableNumber({ minimum: 0, maximum: 1 }) onTimeShare!: number | null;
}

/** processing-record.ts builds it; every number is a count of recorded facts. */
@ApiSchema({ name: 'ProcessingRecord', description: 'A tenant’s record of processing, generated from the ledger’s facts.' })
export class ProcessingRecordDto {
  @ApiText() tenantId!: string;
  @ApiInstant() generatedAt!: string;
  @ApiText({ description: 'ISO 3166-1 alpha-2 country whose law governs; transfers elsewhere are cross-border.' }) jurisdiction!: string;
  @ApiProperty({ type: () => [RecordPurposeDto] }) purposes!: RecordPurposeDto[];
  @ApiProperty({ type: () => RecordSubjectsDto }) subjects!: RecordSubjectsDto;
  @ApiCount() transfers!: number;
  @ApiProperty({ type: () => [CategoryTallyDto] }) dataCategoriesTransferred!: CategoryTallyDto[];
  @ApiProperty({ type: () => [LegalBasisTallyDto] }) legalBases!: LegalBasisTallyDto[];
  @ApiProperty({ type: () => [RecordRecipientDto] }) recipients!: RecordRecipientDto[];
  @ApiProperty({ type: () => [KindCountryDto] }) recipientsByKindAndCountry!: KindCountryDto[];
  @ApiProperty({ type: () => [CrossBorderDto] }) crossBorder!: CrossBorderDto[];
  @ApiProperty({ type: () => RecordErasureDto }) erasure!: RecordErasureDto;
  @ApiProperty({ type: () => RecordGrievancesDto }) grievances!: RecordGrievancesDto;
}
