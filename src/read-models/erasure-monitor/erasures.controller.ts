import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { READ_STORE, type ReadStore, type Where } from '../../read-store/read-store.port.js';
import { DEFAULT_PAGE_SIZE, findPage } from '../shared/paging.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { erasureStateAt } from '../subject-status/subject-status.view.js';
import { erasureMonitorProjection, type ErasureDocument } from './erasure-monitor.projection.js';
import { erasureStateWhere, mergedDueAt, recipientNoticeState, recipientNoticeWhere } from './erasure-filters.js';
import { summariseErasures } from './erasure-summary.js';
import { ErasureSummaryQuery, ErasuresQuery } from './erasures.query.js';
import { ErasureSummaryDto, ErasuresDto } from './erasures.response.js';

const HOUR_MS = 60 * 60 * 1000;

/** The ops view of erasures: what is open, what is overdue, which system lags. */
@ApiTags('erasures')
@Controller('v1/deletions')
export class ErasuresController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly freshness: ReadFreshness,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listErasures',
    summary: 'Erasures, for ops',
    description:
      'What is open, overdue or completed, oldest request first, with the systems each still waits for and the recipients to be told (Art. 19); `recipients=overdue` lists the erasures with recipients not told by the deadline.',
  })
  @ApiRead(ErasuresDto, { description: 'A page of erasures.' })
  async list(@Query() query: ErasuresQuery) {
    await this.freshness.ensure(erasureMonitorProjection.name, query.atLeast);
    const now = this.clock.now();
    // Both filters may bound dueAt: the later lower bound and the earlier upper bound hold together.
    const stateWhere = query.state !== undefined ? erasureStateWhere(query.state, now) : {};
    const recipientsWhere = query.recipients !== undefined ? recipientNoticeWhere(query.recipients, now) : {};
    const where: Where = {
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }),
      ...stateWhere,
      ...recipientsWhere,
      ...mergedDueAt(stateWhere, recipientsWhere),
    };
    const page = await findPage<ErasureDocument>(this.readStore, erasureMonitorProjection.collection.name, {
      where,
      orderBy: ['requestedAt'],
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return {
      deletions: page.items.map(({ _id, _position, deliveries = [], ...erasure }) => ({
        ...erasure,
        tasks: erasure.systems.map((system) => {
          const delivery = deliveries.find((one) => one.system === system);
          return {
            system,
            delivered: delivery !== undefined,
            deliveredAt: delivery?.deliveredAt ?? null,
            subscriptionId: delivery?.subscriptionId ?? null,
          };
        }),
        state: erasureStateAt(erasure.state, erasure.dueAt, now),
        ageHours: Math.round(((now.getTime() - Date.parse(erasure.requestedAt)) / HOUR_MS) * 100) / 100,
        recipients: (erasure.recipients ?? []).map((recipient) => ({
          ...recipient,
          state: recipientNoticeState(recipient.notifiedAt, erasure.dueAt, now),
        })),
        recipientsOwed: erasure.recipientsOwed ?? 0,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Get('summary')
  @ApiOperation({ operationId: 'summariseErasures', summary: 'Erasure counts and times to complete' })
  @ApiRead(ErasureSummaryDto, { description: 'The summary.' })
  async summary(@Query() query: ErasureSummaryQuery) {
    await this.freshness.ensure(erasureMonitorProjection.name, query.atLeast);
    return summariseErasures(this.readStore, this.clock.now(), this.config.erasureSystems, query.tenantId);
  }
}
