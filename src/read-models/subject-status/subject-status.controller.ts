import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { unknownSubject } from '../../domain/ledger-error.js';
import { TransparencyLog } from '../../evidence/transparency-log.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { readKnownSubject } from '../../event-store/subject-stream.js';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import type { DocumentBody } from '../../projections/projection.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { subjectKey } from '../../projections/subject-event.js';
import {
  evolveSubjectStatus,
  subjectStatusProjection,
  type SubjectStatusDocument,
} from './subject-status.projection.js';
import { SubjectStatusQuery } from './subject-status.query.js';
import { SubjectStatusDto } from './subject-status.response.js';
import { subjectStatusView } from './subject-status.view.js';

@ApiTags('subjects')
@Controller('v1/tenants/:tenantId/subjects/:subjectId')
export class SubjectStatusController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly freshness: ReadFreshness,
    private readonly transparencyLog: TransparencyLog,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getSubjectStatus', summary: 'A subject’s consent and erasure status', description: 'Per purpose: granted or withdrawn, under which policy version, since when. With `?asOf=` the status at that instant, computed from the subject’s events, with the ids of the events that prove it and their inclusion proofs.' })
  @ApiRead(SubjectStatusDto, { description: 'The status.', problems: [400, 404], problemDescriptions: { 404: 'The ledger holds no facts about this subject for this tenant.' } })
  async status(@Param() params: SubjectParams, @Query() query: SubjectStatusQuery) {
    await this.freshness.ensure(subjectStatusProjection.name, query.atLeast);
    if (query.asOf !== undefined) return this.statusAsOf(params, new Date(query.asOf));
    const document = await this.readStore.get<SubjectStatusDocument>(
      subjectStatusProjection.collection.name,
      subjectKey(params.tenantId, params.subjectId),
    );
    if (!document) throw unknownSubject();
    return { ...subjectStatusView(document, this.clock.now()), position: document._position };
  }

  /**
   * The status at an instant is computed from the subject's own events, not the read
   * model: the same pure fold, over the facts that had happened (`occurredAt`) by then.
   */
  private async statusAsOf(params: SubjectParams, asOf: Date) {
    const stream = await readKnownSubject(this.events, params.tenantId, params.subjectId);
    let document: DocumentBody<SubjectStatusDocument> | null = null;
    for (const event of stream) {
      if (Date.parse(event.occurredAt) > asOf.getTime()) continue;
      document = evolveSubjectStatus(document, event) ?? document;
    }
    const view = document
      ? subjectStatusView(document, asOf)
      : { tenantId: params.tenantId, subjectId: params.subjectId, subjectType: null, purposes: {}, erasure: { state: 'none', deletionId: null, requestedAt: null, dueAt: null, completedAt: null, pendingSystems: [], eventIds: [] } };
    const eventIds = [
      ...new Set([...Object.values(view.purposes).map((p) => p.eventId), ...view.erasure.eventIds]),
    ];
    // Each proving event with an inclusion proof against a signed head: checkable offline.
    return { ...view, asOf: asOf.toISOString(), eventIds, proof: await this.transparencyLog.proveEvents(eventIds) };
  }
}
