import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  ApiCount,
  ApiInstant,
  ApiNullableFlag,
  ApiNullableInstant,
  ApiNullableText,
  ApiNullableTextList,
  ApiOptionalText,
  ApiText,
  ApiTextList,
} from '../http/openapi/properties.js';
import { SubjectStatusDto } from '../read-models/subject-status/subject-status.response.js';

/** subject-export.ts builds the answer from the subject's own events; personal values read "[erased]" after shredding. */
class ConsentEvidenceViewDto {
  @ApiOptionalText() ipAddress?: string;
  @ApiOptionalText() userAgent?: string;
  @ApiOptionalText() contact?: string;
}

class ExportedConsentDto {
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiInstant() occurredAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiText() actor!: string;
  @ApiTextList() purposes!: string[];
  @ApiText() policyVersion!: string;
  @ApiText() channel!: string;
  @ApiProperty({ type: () => ConsentEvidenceViewDto, nullable: true }) evidence!: ConsentEvidenceViewDto | null;
}

class ExportedWithdrawalDto {
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiInstant() occurredAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiText() actor!: string;
  @ApiTextList() purposes!: string[];
  @ApiNullableText() channel!: string | null;
  @ApiNullableText() reason!: string | null;
}

class ExportedRecipientRefDto {
  @ApiText() id!: string;
  @ApiText() name!: string;
  @ApiText() kind!: string;
}

class ExportedTransferDto {
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiInstant() occurredAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiText() actor!: string;
  @ApiText() transferId!: string;
  @ApiProperty({ type: () => ExportedRecipientRefDto }) recipient!: ExportedRecipientRefDto;
  @ApiText() country!: string;
  @ApiTextList() dataCategories!: string[];
  @ApiText() purpose!: string;
  @ApiText() legalBasis!: string;
  @ApiNullableText() reference!: string | null;
}

class ExportedRecipientDto {
  @ApiText() id!: string;
  @ApiText() name!: string;
  @ApiText() kind!: string;
  @ApiTextList() countries!: string[];
  @ApiTextList() dataCategories!: string[];
  @ApiCount() transfers!: number;
  @ApiInstant() firstAt!: string;
  @ApiInstant() lastAt!: string;
}

class ExportedConfirmationDto {
  @ApiText() system!: string;
  @ApiInstant() completedAt!: string;
  @ApiNullableText() evidence!: string | null;
  @ApiText({ format: 'uuid' }) eventId!: string;
}

class ExportedNoticeRecipientDto {
  @ApiText() id!: string;
  @ApiText() name!: string;
  @ApiText() kind!: string;
  @ApiTextList() dataCategories!: string[];
  @ApiTextList() purposes!: string[];
  @ApiTextList() transferIds!: string[];
  @ApiText({ enum: ['owed', 'overdue', 'notified'], description: '`overdue`: not told and past `dueAt`, judged now.' }) state!: string;
  @ApiNullableInstant() notifiedAt!: string | null;
  @ApiNullableText() channel!: string | null;
  @ApiNullableText() evidence!: string | null;
  @ApiNullableText({ format: 'uuid', description: 'The `recipient-notified` event.' }) eventId!: string | null;
}

class ExportedRecipientNotificationDto {
  @ApiText() notificationId!: string;
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiText({ enum: ['erasure', 'consent-withdrawn'] }) cause!: string;
  @ApiNullableText() deletionId!: string | null;
  @ApiNullableTextList() withdrawnPurposes!: string[] | null;
  @ApiInstant() requiredAt!: string;
  @ApiInstant() dueAt!: string;
  @ApiProperty({ type: () => [ExportedNoticeRecipientDto] }) recipients!: ExportedNoticeRecipientDto[];
}

class ExportedErasureDto {
  @ApiText() deletionId!: string;
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiText() trigger!: string;
  @ApiNullableText() reason!: string | null;
  @ApiInstant() requestedAt!: string;
  @ApiInstant() dueAt!: string;
  @ApiTextList() systems!: string[];
  @ApiProperty({ type: () => [ExportedConfirmationDto] }) confirmations!: ExportedConfirmationDto[];
  @ApiNullableInstant() completedAt!: string | null;
  @ApiNullableFlag() completedOnTime!: boolean | null;
  @ApiNullableInstant({ description: 'When the subject’s data key was destroyed after this erasure.' }) shreddedAt!: string | null;
  @ApiProperty({ type: () => [ExportedNoticeRecipientDto], description: 'The recipients to be told of this erasure (Art. 19).' })
  recipients!: ExportedNoticeRecipientDto[];
}

class ExportedGrievanceDto {
  @ApiText() grievanceId!: string;
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiText() category!: string;
  @ApiText() channel!: string;
  @ApiNullableText({ description: 'The subject’s own words.' }) description!: string | null;
  @ApiInstant() receivedAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiInstant() dueAt!: string;
  @ApiText() actor!: string;
  @ApiNullableText() outcome!: string | null;
  @ApiNullableInstant() resolvedAt!: string | null;
  @ApiNullableFlag() resolvedOnTime!: boolean | null;
  @ApiNullableText() resolutionEventId!: string | null;
  @ApiText({ enum: ['open', 'overdue', 'resolved'] }) state!: string;
}

@ApiSchema({ name: 'SubjectExport', description: 'Everything the ledger holds about one subject (an access request).' })
export class SubjectExportDto {
  @ApiText() tenantId!: string;
  @ApiText() subjectId!: string;
  @ApiInstant() exportedAt!: string;
  @ApiCount() eventCount!: number;
  @ApiProperty({ type: () => SubjectStatusDto, nullable: true }) status!: SubjectStatusDto | null;
  @ApiProperty({ type: () => [ExportedConsentDto] }) consents!: ExportedConsentDto[];
  @ApiProperty({ type: () => [ExportedWithdrawalDto] }) withdrawals!: ExportedWithdrawalDto[];
  @ApiProperty({ type: () => [ExportedTransferDto] }) transfers!: ExportedTransferDto[];
  @ApiProperty({ type: () => [ExportedRecipientDto] }) recipients!: ExportedRecipientDto[];
  @ApiProperty({ type: () => [ExportedErasureDto] }) erasures!: ExportedErasureDto[];
  @ApiProperty({
    type: () => [ExportedRecipientNotificationDto],
    description: 'Every notice owed to recipients (of an erasure or a withdrawal), and who was told, when and how.',
  })
  recipientNotifications!: ExportedRecipientNotificationDto[];
  @ApiProperty({ type: () => [ExportedGrievanceDto] }) grievances!: ExportedGrievanceDto[];
}
