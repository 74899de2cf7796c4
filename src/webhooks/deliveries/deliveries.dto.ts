import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { toWholeNumber } from '../../http/query-values.js';
import {
  ApiCount,
  ApiInstant,
  ApiNextCursor,
  ApiNullableInstant,
  ApiNullableNumber,
  ApiNullableText,
  ApiText,
} from '../../http/openapi/properties.js';
import { DELIVERY_STATES, type DeliveryState } from '../delivery/delivery-store.port.js';

const MAX_PAGE = 1000;

export class DeliveriesQuery {
  @ApiPropertyOptional({ enum: [...DELIVERY_STATES], description: 'Only deliveries in this state.' })
  @IsOptional()
  @IsIn(DELIVERY_STATES, { message: `state must be one of ${DELIVERY_STATES.join(', ')}` })
  state?: DeliveryState;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.', pattern: '^[A-Za-z0-9_-]+$', maxLength: 1000 })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this API gave out' })
  @MaxLength(1000)
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Transform(toWholeNumber)
  @Max(MAX_PAGE)
  @Min(1)
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_PAGE}` })
  limit?: number;
}

export class ReplayDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The global position to deliver again from (inclusive).' })
  @Max(Number.MAX_SAFE_INTEGER)
  @Min(1)
  @IsInt({ message: 'fromPosition must be a whole number from 1' })
  fromPosition!: number;
}

@ApiSchema({ name: 'Delivery', description: 'One event to deliver to one subscription, and how its attempts went.' })
export class DeliveryDto {
  @ApiText({ description: 'Also the `webhook-id` header of every attempt.' }) deliveryId!: string;
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiText() eventType!: string;
  @ApiCount() globalPosition!: number;
  @ApiText({ description: 'The subject the event is about ("" for the tenant itself).' }) subjectId!: string;
  @ApiText({ enum: [...DELIVERY_STATES] }) state!: string;
  @ApiCount() attempts!: number;
  @ApiNullableNumber({ description: 'The HTTP status of the last attempt (null: no answer).' }) lastStatus!: number | null;
  @ApiNullableText() lastError!: string | null;
  @ApiNullableInstant() lastAttemptAt!: string | null;
  @ApiNullableInstant({ description: 'When it is tried next (null once delivered or dead).' }) nextAttemptAt!: string | null;
  @ApiNullableInstant() deliveredAt!: string | null;
  @ApiInstant() createdAt!: string;
}

@ApiSchema({ name: 'DeliveryList' })
export class DeliveryListDto {
  @ApiProperty({ type: () => [DeliveryDto] }) deliveries!: DeliveryDto[];
  @ApiNextCursor() nextCursor!: string | null;
}

@ApiSchema({ name: 'ReplayAccepted' })
export class ReplayAcceptedDto {
  @ApiText() replayId!: string;
  @ApiCount() fromPosition!: number;
  @ApiCount({ description: 'The log’s last position when asked: events up to it are delivered again.' }) toPosition!: number;
}
