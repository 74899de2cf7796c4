import { Controller, Get, Headers, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { validationFailed } from '../../domain/ledger-error.js';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { PersonalData } from '../../privacy/personal-data.js';
import { READ_STORE, type Condition, type ReadStore, type Where } from '../../read-store/read-store.port.js';
import { acceptsCsv, CSV_TYPE } from '../../http/accepts-csv.js';
import { csvStream, type CsvColumn } from '../shared/csv.js';
import { allPages, DEFAULT_PAGE_SIZE, findPage, mapPages } from '../shared/paging.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { transferRegisterProjection, type TransferDocument } from './transfer-register.projection.js';
import { TransferRegisterQuery } from './transfer-register.query.js';
import { TransferRegisterDto } from './transfer-register.response.js';
import { transferView, type TransferView } from './transfer-register.view.js';

const ORDER = ['occurredAt'] as const;

const COLUMNS: CsvColumn<TransferView>[] = [
  'occurredAt',
  'recordedAt',
  'transferId',
  'eventId',
  'subjectId',
  'recipientId',
  'recipientName',
  'recipientKind',
  'country',
  'dataCategories',
  'purpose',
  'legalBasis',
  'reference',
  'globalPosition',
].map((field) => ({ header: field, value: (t: TransferView) => t[field as keyof TransferView] }));

/** The register of transfers of one tenant: a regulator's "where did the data go". */
@ApiTags('transfers')
@Controller('v1/tenants/:tenantId/transfers')
export class TransferRegisterController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly freshness: ReadFreshness,
    private readonly personalData: PersonalData,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listTransfers', summary: 'The transfer register of a tenant', description: 'Where personal data went: recipient, country, categories, purpose and legal basis, oldest first; filters combine. JSON pages, or CSV with `Accept: text/csv`.' })
  @ApiRead(TransferRegisterDto, { description: 'A page of transfers (JSON) or all of them (CSV).', csv: true })
  async transfers(@Param() params: TenantParams, @Query() query: TransferRegisterQuery, @Headers('accept') accept?: string) {
    await this.freshness.ensure(transferRegisterProjection.name, query.atLeast);
    const where = transferFilter(params.tenantId, query);
    const collection = transferRegisterProjection.collection.name;
    if (acceptsCsv(accept)) {
      const pages = allPages<TransferDocument>(this.readStore, collection, { where, orderBy: ORDER, cursor: query.cursor });
      return new StreamableFile(csvStream(COLUMNS, mapPages(pages, (items) => this.view(items))), {
        type: CSV_TYPE,
        disposition: `attachment; filename="transfers-${params.tenantId}.csv"`,
      });
    }
    const page = await findPage<TransferDocument>(this.readStore, collection, {
      where,
      orderBy: ORDER,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return { tenantId: params.tenantId, transfers: await this.view(page.items), nextCursor: page.nextCursor };
  }

  /** One key lookup per page, for every subject on it. */
  private async view(items: readonly TransferDocument[]): Promise<TransferView[]> {
    const ring = await this.personalData.keyRing(items);
    return items.map((item) => transferView(item, ring));
  }
}

/**
 * Stored times are compared as ISO strings, which sort in time order only for years
 * 0000-9999. A valid query bound can fall outside (9999-12-31T23:00:00-05:00 is in year
 * 10000, "+010000-..." as ISO, which sorts before "2026-..."), so bounds are compared as
 * instants and then clamped into that range, where no stored fact can lie beyond them.
 */
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const isoBound = (instant: number): string => new Date(Math.min(Math.max(instant, EARLIEST), LATEST)).toISOString();

const transferFilter = (tenantId: string, query: TransferRegisterQuery): Where => {
  const from = query.from === undefined ? undefined : Date.parse(query.from);
  const to = query.to === undefined ? undefined : Date.parse(query.to);
  if (from !== undefined && to !== undefined && from >= to) {
    throw validationFailed([{ field: 'to', message: 'to must be later than from' }]);
  }
  const period: Condition = {
    ...(from !== undefined && { gte: isoBound(from) }),
    ...(to !== undefined && { lt: isoBound(to) }),
  };
  return {
    tenantId,
    ...(query.country !== undefined && { country: query.country }),
    ...(query.recipientKind !== undefined && { recipientKind: query.recipientKind }),
    ...(query.recipientId !== undefined && { recipientId: query.recipientId }),
    ...(query.purpose !== undefined && { purpose: query.purpose }),
    ...((from !== undefined || to !== undefined) && { occurredAt: period }),
  };
};
