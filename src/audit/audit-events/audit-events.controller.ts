import { Controller, Get, Inject, Query, Req, StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../access/access.guard.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { PersonalData } from '../../privacy/personal-data.js';
import { AuditEventsQuery } from './audit-events.query.js';
import { ndjsonStream } from './ndjson.js';

@Controller('v1/audit/events')
export class AuditEventsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  /**
   * Every event in global order, streamed as NDJSON straight from the event store, personal
   * values opened batch by batch (with the sealed form alongside, see ndjson.ts). A key
   * limited to some tenants sees only theirs, whatever `tenantId` says (the guard has already
   * refused a `tenantId` it does not cover).
   */
  @Get()
  events(@Query() query: AuditEventsQuery, @Req() request: FastifyRequest): StreamableFile {
    const { tenants } = principalOf(request);
    const events = this.store.readAll({
      ...(query.fromPosition !== undefined && { fromPosition: query.fromPosition }),
      ...(query.limit !== undefined && { limit: query.limit }),
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }),
      ...(tenants !== '*' && { tenantIds: tenants }),
    });
    return new StreamableFile(ndjsonStream(events, (batch) => this.personalData.openEvents(batch)), { type: 'application/x-ndjson' });
  }
}
