import { Controller, Get, Inject, Query, Req, StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiExtraModels, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { principalOf } from '../../access/access.guard.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ApiProblems, NDJSON, PROBLEM_JSON } from '../../http/openapi/api-responses.js';
import { PersonalData, UnwrapMemo } from '../../privacy/personal-data.js';
import { AuditEventDto } from './audit-event.response.js';
import { AuditEventsQuery } from './audit-events.query.js';
import { ndjsonStream } from './ndjson.js';

@ApiTags('audit')
@ApiExtraModels(AuditEventDto)
@Controller('v1/audit/events')
export class AuditEventsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  /**
   * Every event in global order, streamed as NDJSON straight from the event store's pages:
   * lines of events without sealed values spliced from the stored JSON, personal values of the
   * others opened page by page (with the sealed form alongside, see ndjson.ts). A key
   * limited to some tenants sees only theirs, whatever `tenantId` says (the guard has already
   * refused a `tenantId` it does not cover).
   */
  @Get()
  @ApiOperation({
    operationId: 'streamAuditEvents',
    summary: 'Every event, in global order (NDJSON)',
    description:
      'Streamed in constant memory: one `AuditEvent` JSON object per line, personal values opened (or "[erased]") with the sealed values alongside.',
  })
  @ApiProduces(NDJSON, PROBLEM_JSON)
  @ApiResponse({
    status: 200,
    description: 'One AuditEvent per line.',
    content: { [NDJSON]: { schema: { type: 'string', description: `Lines, each an ${getSchemaPath(AuditEventDto)} object.` } } },
  })
  @ApiProblems([400])
  events(@Query() query: AuditEventsQuery, @Req() request: FastifyRequest): StreamableFile {
    const { tenants } = principalOf(request);
    const pages = this.store.readAllRaw({
      ...(query.fromPosition !== undefined && { fromPosition: query.fromPosition }),
      ...(query.limit !== undefined && { limit: query.limit }),
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }),
      ...(tenants !== '*' && { tenantIds: tenants }),
    });
    // One memo for this stream: each subject's key is unwrapped once, not once per batch.
    const memo = new UnwrapMemo();
    return new StreamableFile(
      ndjsonStream(pages, (subjects) => this.personalData.keyRing(subjects, memo)),
      { type: 'application/x-ndjson' },
    );
  }
}
