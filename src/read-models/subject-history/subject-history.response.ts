import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  ApiCount,
  ApiInstant,
  ApiNextCursor,
  ApiNullableFlag,
  ApiNullableInstant,
  ApiNullableText,
  ApiNullableTextList,
  ApiText,
} from '../../http/openapi/properties.js';

/** One timeline entry (subject-history.view.ts): the fields an event type does not have are null. */
@ApiSchema({ name: 'HistoryEntry' })
export class HistoryEntryDto {
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiText({ example: 'consent-given' }) type!: string;
  @ApiCount() globalPosition!: number;
  @ApiCount() streamPosition!: number;
  @ApiInstant() occurredAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiText() actor!: string;
  @ApiNullableTextList() purposes!: string[] | null;
  @ApiNullableText() policyVersion!: string | null;
  @ApiNullableText() channel!: string | null;
  @ApiNullableText() recipientId!: string | null;
  @ApiNullableText() recipientName!: string | null;
  @ApiNullableText() recipientKind!: string | null;
  @ApiNullableText() country!: string | null;
  @ApiNullableTextList() dataCategories!: string[] | null;
  @ApiNullableText() legalBasis!: string | null;
  @ApiNullableText({ description: 'Personal: "[erased]" once the subject’s key is destroyed.' }) transferReference!: string | null;
  @ApiNullableText() deletionId!: string | null;
  @ApiNullableInstant() dueAt!: string | null;
  @ApiNullableTextList() systems!: string[] | null;
  @ApiNullableText() system!: string | null;
  @ApiNullableText({ description: 'Consent evidence in words, or a deletion confirmation’s evidence. Personal.' }) evidence!: string | null;
  @ApiNullableText({ description: 'Personal.' }) reason!: string | null;
  @ApiNullableText() grievanceId!: string | null;
  @ApiNullableText() category!: string | null;
  @ApiNullableText() outcome!: string | null;
  @ApiNullableFlag() resolvedOnTime!: boolean | null;
  @ApiNullableText({ description: 'Personal.' }) grievanceDescription!: string | null;
  @ApiText({ description: 'The entry in words, for a regulator.' }) description!: string;
}

@ApiSchema({ name: 'SubjectHistory', description: 'A page of a subject’s timeline, oldest first.' })
export class SubjectHistoryDto {
  @ApiText() tenantId!: string;
  @ApiText() subjectId!: string;
  @ApiProperty({ type: () => [HistoryEntryDto] }) entries!: HistoryEntryDto[];
  @ApiNextCursor() nextCursor!: string | null;
}
