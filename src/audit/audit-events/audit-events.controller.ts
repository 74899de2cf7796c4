import { Controller, Get, Inject, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiExtraModels, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { principalOf } from '../../access/access.guard.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { validationFailed } from '../../domain/ledger-error.js';
import { ApiProblems, NDJSON, PROBLEM_JSON, SSE } from '../../http/openapi/api-responses.js';
import { PersonalData, UnwrapMemo } from '../../privacy/personal-data.js';
import { AuditEventDto } from './audit-event.response.js';
import { AuditEventsQuery } from './audit-events.query.js';
import { LiveFeeds } from './live-feeds.js';
import { ndjsonStream } from './ndjson.js';

/** `Accept` names `text/event-stream` with a non-zero weight (a bare wildcard keeps the export). */
export const acceptsEventStream = (accept: string | undefined): boolean =>
  (accept ?? '').split(',').some((part) => {
    const [type, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    return type === SSE && !params.some((p) => /^q\s*=\s*0(\.0{0,3})?$/.test(p));
  });

/** `Last-Event-ID` as an EventSource sends it back: the global position of the last event it received. */
const lastEventId = (request: FastifyRequest): number | undefined => {
  const value = request.headers['last-event-id'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value.trim()) || !Number.isSafeInteger(Number(value.trim()))) {
    throw validationFailed([
      { field: 'Last-Event-ID', message: 'Last-Event-ID must be the id (a global position) of an event of this feed' },
    ]);
  }
  return Number(value.trim());
};

@ApiTags('audit')
@ApiExtraModels(AuditEventDto)
@Controller('v1/audit/events')
export class AuditEventsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
    private readonly feeds: LiveFeeds,
  ) {}

  /**
   * Every event in global order, streamed as NDJSON straight from the event store's pages:
   * lines of events without sealed values spliced from the stored JSON, personal values of the
   * others opened page by page (with the sealed form alongside, see ndjson.ts). A key
   * limited to some tenants sees only theirs, whatever `tenantId` says (the guard has already
   * refused a `tenantId` it does not cover). The live feed (live-feed.ts) is the same lines,
   * under the same restriction, kept open.
   */
  @Get()
  @ApiOperation({
    operationId: 'streamAuditEvents',
    summary: 'Every event, in global order (NDJSON), or a live feed (Server-Sent Events)',
    description:
      'Streamed in constant memory: one `AuditEvent` JSON object per line, personal values opened (or "[erased]") with the sealed values alongside. ' +
      'With `Accept: text/event-stream` (or the query parameter `follow=true`) the stream stays open as Server-Sent Events: one event per ledger event, ' +
      '`id` its global position and `data` the same JSON as the NDJSON line, new events as they are appended, and a `: heartbeat` comment after ' +
      '`LEDGER_SSE_HEARTBEAT_MS` (15 s by default) of silence. A reconnecting client sends `Last-Event-ID` (the last `id` it received) and resumes ' +
      'right after it; it wins over `fromPosition`. `limit` ends the feed after that many events.',
  })
  @ApiProduces(NDJSON, SSE, PROBLEM_JSON)
  @ApiResponse({
    status: 200,
    description: 'One AuditEvent per line; or, live, one Server-Sent Event per ledger event.',
    content: {
      [NDJSON]: { schema: { type: 'string', description: `Lines, each an ${getSchemaPath(AuditEventDto)} object.` } },
      [SSE]: {
        schema: {
          type: 'string',
          description: `Events \`id: <globalPosition>\` + \`data: <${getSchemaPath(AuditEventDto)} JSON>\`, and \`: heartbeat\` comments.`,
        },
      },
    },
  })
  @ApiProblems([400])
  events(
    @Query() query: AuditEventsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): StreamableFile {
    const { tenants } = principalOf(request);
    const filter = {
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }),
      ...(tenants !== '*' && { tenantIds: tenants }),
    };
    // One memo for this stream: each subject's key is unwrapped once, not once per batch.
    const memo = new UnwrapMemo();
    const keyRingFor = (subjects: Parameters<PersonalData['keyRing']>[0]) => this.personalData.keyRing(subjects, memo);
    if (query.follow === true || (query.follow === undefined && acceptsEventStream(request.headers.accept))) {
      const resumeAfter = lastEventId(request);
      const feed = this.feeds.start({
        filter,
        fromPosition: resumeAfter !== undefined ? resumeAfter + 1 : (query.fromPosition ?? 0),
        limit: query.limit,
        keyRingFor,
      });
      // No cache or proxy may hold the feed back (nginx buffers unless told not to).
      void reply.header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
      return new StreamableFile(feed, { type: `${SSE}; charset=utf-8` });
    }
    const pages = this.store.readAllRaw({
      ...filter,
      ...(query.fromPosition !== undefined && { fromPosition: query.fromPosition }),
      ...(query.limit !== undefined && { limit: query.limit }),
    });
    return new StreamableFile(ndjsonStream(pages, keyRingFor), { type: 'application/x-ndjson' });
  }
}
