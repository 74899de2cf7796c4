import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import { LedgerError, validationFailed } from '../../domain/ledger-error.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ApiProblems, ApiRead } from '../../http/openapi/api-responses.js';
import { DeliveryParams, SubscriptionParams } from '../../http/subscription-params.dto.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import { DELIVERY_STORE, type Delivery, type DeliveryStore } from '../delivery/delivery-store.port.js';
import { SubscriptionsQuery } from '../subscriptions/subscriptions.query.js';
import { DeliveriesQuery, DeliveryDto, DeliveryListDto, ReplayAcceptedDto, ReplayDto } from './deliveries.dto.js';

const deliveryView = (d: Delivery): DeliveryDto => ({
  deliveryId: d.deliveryId,
  eventId: d.eventId,
  eventType: d.eventType,
  globalPosition: d.globalPosition,
  subjectId: d.subjectId,
  state: d.state,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  lastAttemptAt: d.lastAttemptAt,
  nextAttemptAt: d.state === 'pending' || d.state === 'failed' ? d.nextAttemptAt : null,
  deliveredAt: d.deliveredAt,
  createdAt: d.createdAt,
});

/**
 * A subscription's deliveries, and the two ways to send again: one delivery (a dead letter
 * once the receiver is fixed), or everything from a global position (a replay, done by the
 * delivery worker).
 */
@ApiTags('webhooks')
@Controller('v1/tenants/:tenantId/subscriptions/:subscriptionId')
export class DeliveriesController {
  constructor(
    @Inject(DELIVERY_STORE) private readonly deliveries: DeliveryStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly subscriptions: SubscriptionsQuery,
  ) {}

  @Get('deliveries')
  @ApiOperation({ operationId: 'listDeliveries', summary: 'A subscription’s deliveries, newest first' })
  @ApiRead(DeliveryListDto, {
    description: 'Deliveries with their attempts, last status and error, and next attempt.',
    problems: [400, 404],
  })
  async list(@Param() params: SubscriptionParams, @Query() query: DeliveriesQuery): Promise<DeliveryListDto> {
    await this.subscriptions.one(params.tenantId, params.subscriptionId);
    const page = await this.deliveries.listDeliveries(params.subscriptionId, {
      ...(query.state !== undefined && { state: query.state }),
      ...(query.cursor !== undefined && { cursor: query.cursor }),
      limit: query.limit ?? 100,
    });
    return { deliveries: page.deliveries.map(deliveryView), nextCursor: page.nextCursor };
  }

  @Post('deliveries/:deliveryId/redeliveries')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'redeliver',
    summary: 'Send one delivery again',
    description:
      'Due at once, with a fresh retry window and the same `webhook-id`. A dead or delivered delivery becomes pending again; a pending or failed one is tried now.',
  })
  @ApiExtraModels(DeliveryDto)
  @ApiResponse({ status: 202, description: 'Queued.', content: { 'application/json': { schema: { $ref: getSchemaPath(DeliveryDto) } } } })
  @ApiProblems([400, 404, 409, 413, 415, 422])
  async redeliver(@Param() params: DeliveryParams): Promise<DeliveryDto> {
    const delivery = await this.deliveries.getDelivery(params.deliveryId);
    if (delivery === null || delivery.subscriptionId !== params.subscriptionId || delivery.tenantId !== params.tenantId) {
      throw new LedgerError('not-found', 'This subscription has no delivery with this id.');
    }
    const now = this.clock.now().toISOString();
    const queued: Delivery = {
      ...delivery,
      state: delivery.state === 'failed' ? 'failed' : 'pending',
      nextAttemptAt: now,
      windowStartedAt: null,
      version: delivery.version + 1,
    };
    if (!(await this.deliveries.saveDelivery(queued))) {
      throw new LedgerError('concurrent-modification', 'The delivery changed while it was queued again; retry.');
    }
    return deliveryView(queued);
  }

  @Post('replays')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'replay',
    summary: 'Deliver again every event from a global position',
    description:
      'Each event of the tenant from `fromPosition` to the log’s end that the subscription asks for is delivered again, as a new delivery (a new `webhook-id`), in order per subject.',
  })
  @ApiExtraModels(ReplayAcceptedDto)
  @ApiResponse({
    status: 202,
    description: 'Accepted: the delivery worker does it.',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ReplayAcceptedDto) } } },
  })
  @ApiProblems([400, 404, 409, 413, 415, 422])
  async replay(@Param() params: SubscriptionParams, @Body() body: ReplayDto): Promise<ReplayAcceptedDto> {
    await this.subscriptions.one(params.tenantId, params.subscriptionId);
    const toPosition = await this.events.lastPosition();
    if (body.fromPosition > toPosition) {
      throw validationFailed([{ field: 'fromPosition', message: `fromPosition is past the end of the log (${toPosition})` }]);
    }
    const replayId = this.ids.newId();
    await this.deliveries.saveReplay({
      replayId,
      subscriptionId: params.subscriptionId,
      tenantId: params.tenantId,
      nextPosition: body.fromPosition,
      toPosition,
      done: false,
      version: 1,
    });
    return { replayId, fromPosition: body.fromPosition, toPosition };
  }
}
