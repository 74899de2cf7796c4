import { Controller, Get, Headers, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { validationFailed } from '../../domain/ledger-error.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { READ_STORE, type Condition, type ReadStore, type Where } from '../../read-store/read-store.port.js';
import { acceptsCsv, CSV_TYPE } from '../shared/accepts-csv.js';
import { csvStream, type CsvColumn } from '../shared/csv.js';
import { allPages, DEFAULT_PAGE_SIZE, findPage } from '../shared/paging.js';
import { ReadFreshness } from '../shared/read-freshness.js';
import { transferRegisterProjection, type TransferDocument } from './transfer-register.projection.js';
import { TransferRegisterQuery } from './transfer-register.query.js';

const ORDER = ['occurredAt'] as const;

const transferView = ({ _id, _position, ...transfer }: TransferDocument) => transfer;

const COLUMNS: CsvColumn<TransferDocument>[] = [
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
].map((field) => ({ header: field, value: (t: TransferDocument) => t[field] }));

/** The register of transfers of one tenant: a regulator's "where did the data go". */
@Controller('v1/tenants/:tenantId/transfers')
export class TransferRegisterController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly freshness: ReadFreshness,
  ) {}

  @Get()
  async transfers(@Param() params: TenantParams, @Query() query: TransferRegisterQuery, @Headers('accept') accept?: string) {
    await this.freshness.ensure(transferRegisterProjection.name, query.atLeast);
    const where = transferFilter(params.tenantId, query);
    const collection = transferRegisterProjection.collection.name;
    if (acceptsCsv(accept)) {
      const pages = allPages<TransferDocument>(this.readStore, collection, { where, orderBy: ORDER, cursor: query.cursor });
      return new StreamableFile(csvStream(COLUMNS, pages), {
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
    return { tenantId: params.tenantId, transfers: page.items.map(transferView), nextCursor: page.nextCursor };
  }
}

const transferFilter = (tenantId: string, query: TransferRegisterQuery): Where => {
  const from = query.from === undefined ? undefined : new Date(query.from).toISOString();
  const to = query.to === undefined ? undefined : new Date(query.to).toISOString();
  if (from !== undefined && to !== undefined && from >= to) {
    throw validationFailed([{ field: 'to', message: 'to must be later than from' }]);
  }
  const period: Condition = { ...(from !== undefined && { gte: from }), ...(to !== undefined && { lt: to }) };
  return {
    tenantId,
    ...(query.country !== undefined && { country: query.country }),
    ...(query.recipientKind !== undefined && { recipientKind: query.recipientKind }),
    ...(query.recipientId !== undefined && { recipientId: query.recipientId }),
    ...(query.purpose !== undefined && { purpose: query.purpose }),
    ...((from !== undefined || to !== undefined) && { occurredAt: period }),
  };
};
