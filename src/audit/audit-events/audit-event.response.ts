import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiCount, ApiInstant, ApiNullableText, ApiText } from '../../http/openapi/properties.js';

class AuditEventMetadataDto {
  @ApiText() tenantId!: string;
  @ApiText() subjectId!: string;
  @ApiText() actor!: string;
  @ApiText() correlationId!: string;
  @ApiText() causationId!: string;
  @ApiNullableText() idempotencyKey!: string | null;
}

/** One line of the NDJSON audit stream (ndjson.ts exportedEvent); documented for clients that parse the lines. */
@ApiSchema({ name: 'AuditEvent', description: 'One event as exported: one line of `GET /v1/audit/events`.' })
export class AuditEventDto {
  @ApiText({ format: 'uuid' }) id!: string;
  @ApiText() type!: string;
  @ApiText() streamId!: string;
  @ApiCount() streamPosition!: number;
  @ApiCount() globalPosition!: number;
  @ApiInstant() occurredAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event’s data, personal values opened (or "[erased]").' })
  data!: Record<string, unknown>;
  @ApiProperty({ type: () => AuditEventMetadataDto }) metadata!: AuditEventMetadataDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The stored sealed personal values by path, to recompute the event hash.',
  })
  sealed?: Record<string, unknown>;
}
