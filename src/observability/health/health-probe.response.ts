import { ApiProperty, ApiPropertyOptional, ApiSchema, type ApiPropertyOptions } from '@nestjs/swagger';
import { ApiText } from '../../http/openapi/properties.js';

/** Each check's own result, keyed by its name (eventStore, readStore, projections). */
const checks = (description: string): ApiPropertyOptions =>
  ({
    type: 'object',
    additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } }, required: ['status'] },
    description,
  }) as ApiPropertyOptions;

/** @nestjs/terminus' answer, as GET /health/live and /health/ready send it (200 or 503). */
@ApiSchema({ name: 'HealthProbe' })
export class HealthProbeDto {
  @ApiText({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional(checks('The checks that passed.')) info?: object;
  @ApiPropertyOptional(checks('The checks that failed.')) error?: object;
  @ApiProperty(checks('Every check.')) details!: object;
}
