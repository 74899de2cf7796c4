import { Controller, Get, Headers, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { unknownSubject } from '../../domain/ledger-error.js';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { PersonalData } from '../../privacy/personal-data.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import { acceptsCsv, CSV_TYPE } from '../../http/accepts-csv.js';
import { csvStream, type CsvColumn } from '../shared/csv.js';
import { allPages, decodeCursor, DEFAULT_PAGE_SIZE, findPage, mapPages } from '../shared/paging.js';
import { PagedQuery } from '../shared/read-queries.dto.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { subjectHistoryProjection, type HistoryEntryDocument } from './subject-history.projection.js';
import { SubjectHistoryDto } from './subject-history.response.js';
import { historyEntryView, type HistoryEntry } from './subject-history.view.js';

const ORDER = ['globalPosition'] as const;

const COLUMNS: CsvColumn<HistoryEntry>[] = [
  'globalPosition',
  'streamPosition',
  'eventId',
  'type',
  'occurredAt',
  'recordedAt',
  'description',
  'purposes',
  'policyVersion',
  'channel',
  'recipientId',
  'recipientName',
  'recipientKind',
  'country',
  'dataCategories',
  'legalBasis',
  'transferReference',
  'deletionId',
  'dueAt',
  'systems',
  'system',
  'evidence',
  'reason',
  'grievanceId',
  'category',
  'outcome',
  'resolvedOnTime',
  'grievanceDescription',
  'actor',
].map((field) => ({ header: field, value: (entry: HistoryEntry) => entry[field as keyof HistoryEntry] }));

@ApiTags('subjects')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/history')
export class SubjectHistoryController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly freshness: ReadFreshness,
    private readonly personalData: PersonalData,
  ) {}

  /** Oldest first. JSON pages with a cursor, or the whole timeline as CSV. */
  @Get()
  @ApiOperation({ operationId: 'getSubjectHistory', summary: 'A subject’s timeline', description: 'Every fact about the subject, oldest first, in words a regulator reads. JSON pages with a cursor, or with `Accept: text/csv` the whole timeline (from the cursor on) as CSV.' })
  @ApiRead(SubjectHistoryDto, { description: 'A page of the timeline (JSON) or all of it (CSV).', csv: true, problems: [400, 404], problemDescriptions: { 404: 'The ledger holds no facts about this subject for this tenant.' } })
  async history(@Param() params: SubjectParams, @Query() query: PagedQuery, @Headers('accept') accept?: string) {
    await this.freshness.ensure(subjectHistoryProjection.name, query.atLeast);
    const collection = subjectHistoryProjection.collection.name;
    const where = { tenantId: params.tenantId, subjectId: params.subjectId };
    // A bad cursor is the caller's mistake whether or not the subject exists: 400 before 404.
    if (query.cursor !== undefined) decodeCursor(query.cursor, ORDER.length + 1);
    if ((await this.readStore.count(collection, where)) === 0) {
      throw unknownSubject();
    }
    if (acceptsCsv(accept)) {
      const pages = allPages<HistoryEntryDocument>(this.readStore, collection, { where, orderBy: ORDER, cursor: query.cursor });
      return new StreamableFile(csvStream(COLUMNS, mapPages(pages, (items) => this.view(items))), {
        type: CSV_TYPE,
        disposition: `attachment; filename="history-${params.tenantId}-${params.subjectId}.csv"`,
      });
    }
    const page = await findPage<HistoryEntryDocument>(this.readStore, collection, {
      where,
      orderBy: ORDER,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return { tenantId: params.tenantId, subjectId: params.subjectId, entries: await this.view(page.items), nextCursor: page.nextCursor };
  }

  /** One key lookup per page: the personal values are opened here, never stored in clear. */
  private async view(items: readonly HistoryEntryDocument[]): Promise<HistoryEntry[]> {
    const ring = await this.personalData.keyRing(items);
    return items.map((item) => historyEntryView(item, ring));
  }
}
