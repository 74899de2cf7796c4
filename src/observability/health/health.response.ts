import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiCount, ApiNullableText, ApiText } from '../../http/openapi/properties.js';

class EventStoreHealthDto {
  @ApiCount() lastPosition!: number;
}

class ProjectionHealthDto {
  @ApiText() name!: string;
  @ApiText({ description: 'running, standby (another instance holds the lease), failed, ...' }) state!: string;
  @ApiCount() position!: number;
  @ApiCount({ description: 'Events not yet applied.' }) lag!: number;
  @ApiNullableText() error!: string | null;
  @ApiNullableText() failedEventId!: string | null;
}

@ApiSchema({ name: 'Health' })
export class HealthDto {
  @ApiText({ enum: ['ok', 'degraded'] }) status!: string;
  @ApiProperty({ type: () => EventStoreHealthDto }) eventStore!: EventStoreHealthDto;
  @ApiProperty({ type: () => [ProjectionHealthDto] }) projections!: ProjectionHealthDto[];
}
