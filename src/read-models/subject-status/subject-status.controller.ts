import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { LedgerError } from '../../domain/ledger-error.js';
import { TransparencyLog } from '../../evidence/transparency-log.js';
import { subjectStreamId } from '../../domain/stream-id.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import type { DocumentBody } from '../projection.js';
import { ReadFreshness } from '../shared/read-freshness.js';
import { subjectKey } from '../shared/subject-event.js';
import {
  evolveSubjectStatus,
  subjectStatusProjection,
  type SubjectStatusDocument,
} from './subject-status.projection.js';
import { SubjectStatusQuery } from './subject-status.query.js';
import { subjectStatusView } from './subject-status.view.js';

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
    const stream = await this.events.readStream(subjectStreamId(params.tenantId, params.subjectId));
    if (stream.length === 0) throw unknownSubject();
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
    return { ...view, asOf: asOf.toISOString(), eventIds, proof: await this.proofOf(eventIds) };
  }

  /**
   * Each proving event's hash with an inclusion proof against a freshly signed head of the
   * Merkle log, so an auditor can check the answer offline against the public key. Events
   * the Merkle projection has not applied yet are listed as pending rather than omitted.
   */
  private async proofOf(eventIds: readonly string[]) {
    const treeHead = await this.transparencyLog.signedHead();
    const proofs = await this.transparencyLog.inclusions(eventIds, treeHead.treeSize);
    const included = new Set(proofs.map((p) => p.eventId));
    return { treeHead, events: proofs, pending: eventIds.filter((id) => !included.has(id)) };
  }
}

const unknownSubject = (): LedgerError =>
  new LedgerError('not-found', 'The ledger holds no facts about this subject for this tenant.');
