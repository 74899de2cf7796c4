import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { SUBJECT_TYPES } from '../../domain/catalogue.js';
import { EventProofsDto } from '../../evidence/proofs.response.js';
import { ApiInstant, ApiNullableInstant, ApiNullableText, ApiText, ApiTextList } from '../../http/openapi/properties.js';

@ApiSchema({ name: 'PurposeStatus' })
export class PurposeStatusDto {
  @ApiText({ enum: ['granted', 'withdrawn'] })
  status!: string;

  @ApiText()
  policyVersion!: string;

  @ApiInstant()
  since!: string;

  @ApiText({ format: 'uuid', description: 'The event that put the purpose in this state: the proof.' })
  eventId!: string;
}

@ApiSchema({ name: 'ErasureStatus' })
export class ErasureStatusDto {
  @ApiText({ enum: ['none', 'open', 'overdue', 'completed'], description: '`overdue`: open past `dueAt`.' })
  state!: string;

  @ApiNullableText()
  deletionId!: string | null;

  @ApiNullableInstant()
  requestedAt!: string | null;

  @ApiNullableInstant()
  dueAt!: string | null;

  @ApiNullableInstant()
  completedAt!: string | null;

  @ApiTextList({ description: 'Systems that have not confirmed deletion yet.' })
  pendingSystems!: string[];

  @ApiTextList({ description: 'The events the erasure state rests on.' })
  eventIds!: string[];
}

@ApiExtraModels(PurposeStatusDto)
@ApiSchema({ name: 'SubjectStatus', description: 'A subject’s current status, or with `?asOf=` its status at that instant with the events that prove it.' })
export class SubjectStatusDto {
  @ApiText()
  tenantId!: string;

  @ApiText()
  subjectId!: string;

  @ApiNullableText({ description: `${SUBJECT_TYPES.join(' or ')}; null when never given.` })
  subjectType!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(PurposeStatusDto) },
    description: 'By purpose id: every purpose the subject ever consented to.',
  })
  purposes!: Record<string, PurposeStatusDto>;

  @ApiProperty({ type: () => ErasureStatusDto })
  erasure!: ErasureStatusDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Without `asOf`: the global position of the last event applied to this status.' })
  position?: number;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', description: 'With `asOf`: the instant, normalised to UTC.' })
  asOf?: string;

  @ApiPropertyOptional({ type: 'string', isArray: true, description: 'With `asOf`: the ids of the events that prove the status.' })
  eventIds?: string[];

  @ApiPropertyOptional({ type: () => EventProofsDto, description: 'With `asOf`: inclusion proofs of those events against a signed tree head.' })
  proof?: EventProofsDto;
}
