import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { AuditEventsQuery } from './audit-events.query.js';
import { ndjsonStream } from './ndjson.js';

@Controller('v1/audit/events')
export class AuditEventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Every event in global order, streamed as NDJSON straight from the event store. */
  @Get()
  events(@Query() query: AuditEventsQuery): StreamableFile {
    const events = this.store.readAll({
      ...(query.fromPosition !== undefined && { fromPosition: query.fromPosition }),
      ...(query.limit !== undefined && { limit: query.limit }),
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }),
    });
    return new StreamableFile(ndjsonStream(events), { type: 'application/x-ndjson' });
  }
}
