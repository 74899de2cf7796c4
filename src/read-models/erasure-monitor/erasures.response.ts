import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  ApiCount,
  ApiCountMap,
  ApiInstant,
  ApiNextCursor,
  ApiNullableFlag,
  ApiNullableInstant,
  ApiNullableNumber,
  ApiNullableText,
  ApiText,
  ApiTextList,
} from '../../http/openapi/properties.js';
import { ERASURE_STATES } from './erasures.query.js';

class SystemConfirmationDto {
  @ApiText() system!: string;
  @ApiInstant() completedAt!: string;
  @ApiText({ format: 'uuid' }) eventId!: string;
}

@ApiSchema({ name: 'ErasureRecipient', description: 'A recipient to be told of the erasure (Art. 19), and when and how it was.' })
export class ErasureRecipientDto {
  @ApiText() id!: string;
  @ApiText() name!: string;
  @ApiText() kind!: string;
  @ApiTextList({ description: 'What it received, over every transfer to it.' }) dataCategories!: string[];
  @ApiText({ enum: ['owed', 'overdue', 'notified'], description: '`overdue`: not told and past the erasure’s `dueAt`, judged now.' })
  state!: string;
  @ApiNullableInstant() notifiedAt!: string | null;
  @ApiNullableText({ description: 'How it was told: email, letter, phone, api, webhook, portal or in-person.' }) channel!: string | null;
  @ApiNullableText({ format: 'uuid', description: 'The `recipient-notified` event.' }) eventId!: string | null;
}

class ErasureTaskDto {
  @ApiText() system!: string;
  @ApiProperty({ type: 'boolean', description: 'Whether the task reached the system (a webhook bound to it answered 2xx).' })
  delivered!: boolean;
  @ApiNullableInstant({ description: 'When it was first delivered; null until then.' }) deliveredAt!: string | null;
  @ApiNullableText({ description: 'The subscription it was delivered through; null until then.' }) subscriptionId!: string | null;
}

@ApiSchema({ name: 'Erasure' })
export class ErasureDto {
  @ApiText() deletionId!: string;
  @ApiText() tenantId!: string;
  @ApiText() subjectId!: string;
  @ApiText({ enum: ERASURE_STATES, description: '`overdue`: open past `dueAt`, judged now.' }) state!: string;
  @ApiText({ description: 'What opened it: a direct request, or the withdrawal of every purpose.' }) trigger!: string;
  @ApiInstant() requestedAt!: string;
  @ApiInstant() dueAt!: string;
  @ApiNullableInstant() completedAt!: string | null;
  @ApiTextList() systems!: string[];
  @ApiTextList() pendingSystems!: string[];
  @ApiProperty({ type: () => [SystemConfirmationDto] }) confirmations!: SystemConfirmationDto[];
  @ApiProperty({
    type: () => [ErasureTaskDto],
    description: 'Per system, in `systems` order: whether its erasure task was delivered, and when.',
  })
  tasks!: ErasureTaskDto[];
  @ApiNullableNumber() hoursToComplete!: number | null;
  @ApiNullableFlag() completedOnTime!: boolean | null;
  @ApiProperty({ type: 'number', description: 'Hours since the request (negative for a request dated up to 5 minutes ahead).' })
  ageHours!: number;
  @ApiProperty({ type: () => [ErasureRecipientDto] }) recipients!: ErasureRecipientDto[];
  @ApiCount({ description: 'Recipients not yet told.' }) recipientsOwed!: number;
}

@ApiSchema({ name: 'Erasures', description: 'A page of erasures, oldest request first.' })
export class ErasuresDto {
  @ApiProperty({ type: () => [ErasureDto] }) deletions!: ErasureDto[];
  @ApiNextCursor() nextCursor!: string | null;
}

@ApiSchema({ name: 'ErasureSummary' })
export class ErasureSummaryDto {
  @ApiCount() open!: number;
  @ApiCount() overdue!: number;
  @ApiCount() completed!: number;
  @ApiCount() completedOnTime!: number;
  @ApiNullableNumber({ description: 'Median hours from request to the last confirmation; null before any completed.' })
  p50HoursToComplete!: number | null;
  @ApiNullableNumber() p95HoursToComplete!: number | null;
  @ApiCountMap({ description: 'Open erasures waiting for each configured system.' }) pendingBySystem!: Record<string, number>;
}
