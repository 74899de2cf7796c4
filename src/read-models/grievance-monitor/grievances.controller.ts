import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { READ_STORE, type ReadStore, type Where } from '../../read-store/read-store.port.js';
import { DEFAULT_PAGE_SIZE, findPage } from '../shared/paging.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { grievanceStateAt, grievanceStateWhere } from './grievance-filters.js';
import { grievanceMonitorProjection, type GrievanceDocument } from './grievance-monitor.projection.js';
import { summariseGrievances } from './grievance-summary.js';
import { GrievanceSummaryQuery, GrievancesQuery } from './grievances.query.js';
import { GrievanceSummaryDto, GrievancesDto } from './grievances.response.js';

const HOUR_MS = 60 * 60 * 1000;

/** The ops view of grievances (domain.md rule 7): what is open, what is overdue, how fast they are redressed. */
@ApiTags('grievances')
@Controller('v1/grievances')
export class GrievancesController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly freshness: ReadFreshness,
  ) {}

  /** Oldest receipt first. */
  @Get()
  @ApiOperation({ operationId: 'listGrievances', summary: 'Grievances, for ops', description: 'What is open, overdue or resolved, oldest receipt first (without the subjects’ words).' })
  @ApiRead(GrievancesDto, { description: 'A page of grievances.' })
  async list(@Query() query: GrievancesQuery) {
    await this.freshness.ensure(grievanceMonitorProjection.name, query.atLeast);
    const now = this.clock.now();
    const where: Where = {
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }),
      ...(query.state !== undefined && grievanceStateWhere(query.state, now)),
    };
    const page = await findPage<GrievanceDocument>(this.readStore, grievanceMonitorProjection.collection.name, {
      where,
      orderBy: ['receivedAt'],
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return {
      grievances: page.items.map(({ _id, _position, ...grievance }) => ({
        ...grievance,
        state: grievanceStateAt(grievance.state, grievance.dueAt, now),
        ageHours: Math.round(((now.getTime() - Date.parse(grievance.receivedAt)) / HOUR_MS) * 100) / 100,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Get('summary')
  @ApiOperation({ operationId: 'summariseGrievances', summary: 'Grievance counts and times to redress' })
  @ApiRead(GrievanceSummaryDto, { description: 'The summary.' })
  async summary(@Query() query: GrievanceSummaryQuery) {
    await this.freshness.ensure(grievanceMonitorProjection.name, query.atLeast);
    return summariseGrievances(this.readStore, this.clock.now(), query.tenantId);
  }
}
