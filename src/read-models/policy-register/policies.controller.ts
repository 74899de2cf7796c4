import { Controller, Get, Headers, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LedgerError } from '../../domain/ledger-error.js';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { PolicyParams } from '../../http/policy-params.dto.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import { acceptsCsv, CSV_TYPE } from '../../http/accepts-csv.js';
import { csvStream, type CsvColumn } from '../shared/csv.js';
import { allPages, decodeCursor, DEFAULT_PAGE_SIZE, findPage } from '../shared/paging.js';
import { PagedQuery } from '../shared/read-queries.dto.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { PolicyNoticesDto, PolicyReportDto } from './policies.response.js';
import { policyNoticesProjection, type PolicyNoticeDocument } from './policy-notices.projection.js';
import { policyRegisterProjection, type PolicyRegisterDocument } from './policy-register.projection.js';
import { publishedPolicy } from './policy-register.reader.js';

const REPORT_ORDER = ['globalPosition'] as const;
const NOTICE_ORDER = ['sentAt'] as const;

const policyView = (policy: PolicyRegisterDocument) => ({
  version: policy.version,
  effectiveFrom: policy.effectiveFrom,
  material: policy.material,
  url: policy.url,
  textSha256: policy.textSha256,
  publishedAt: policy.publishedAt,
  recordedAt: policy.recordedAt,
  eventId: policy.eventId,
  notices: {
    primaryAdmin: policy.primaryAdminNotices,
    subjects: policy.subjectNoticeCounts,
  },
});

const REPORT_COLUMNS: CsvColumn<PolicyRegisterDocument>[] = [
  { header: 'version', value: (p) => p.version },
  { header: 'effectiveFrom', value: (p) => p.effectiveFrom },
  { header: 'material', value: (p) => p.material },
  { header: 'url', value: (p) => p.url },
  { header: 'textSha256', value: (p) => p.textSha256 },
  { header: 'publishedAt', value: (p) => p.publishedAt },
  { header: 'recordedAt', value: (p) => p.recordedAt },
  { header: 'eventId', value: (p) => p.eventId },
  { header: 'primaryAdminEmailNotices', value: (p) => p.primaryAdminNoticeCounts.email },
  { header: 'primaryAdminPopUpNotices', value: (p) => p.primaryAdminNoticeCounts['pop-up'] },
  // Each as channel@sentAt, in the order sent.
  { header: 'primaryAdminNotices', value: (p) => p.primaryAdminNotices.map((n) => `${n.channel}@${n.sentAt}`) },
  { header: 'subjectEmailNotices', value: (p) => p.subjectNoticeCounts.email },
  { header: 'subjectPopUpNotices', value: (p) => p.subjectNoticeCounts['pop-up'] },
];

const noticeView = ({ _id, _position, tenantId: _tenant, version: _version, ...notice }: PolicyNoticeDocument) => notice;

const NOTICE_COLUMNS: CsvColumn<PolicyNoticeDocument>[] = [
  'sentAt',
  'recordedAt',
  'channel',
  'audience',
  'subjectId',
  'eventId',
  'globalPosition',
].map((field) => ({ header: field, value: (n: PolicyNoticeDocument) => n[field] }));

/**
 * The policy-change report: every version a tenant published, when (recorded and
 * effective), whether material, where its text is and its hash, and who was told through
 * which channel. The notices of one version are listed in full under it.
 */
@ApiTags('policies')
@Controller('v1/tenants/:tenantId/policies')
export class PoliciesController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly freshness: ReadFreshness,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listPolicies', summary: 'The policy-change report of a tenant', description: 'Every version the tenant published: when, whether material, where its text is and its hash, and who was told through which channel. JSON pages, or CSV with `Accept: text/csv`.' })
  @ApiRead(PolicyReportDto, { description: 'A page of policy versions (JSON) or all of them (CSV).', csv: true })
  async report(@Param() params: TenantParams, @Query() query: PagedQuery, @Headers('accept') accept?: string) {
    await this.freshness.ensure(policyRegisterProjection.name, query.atLeast);
    const collection = policyRegisterProjection.collection.name;
    const where = { tenantId: params.tenantId };
    if (acceptsCsv(accept)) {
      // Checked before the answer starts: a bad cursor must be a 400, not a broken download.
      if (query.cursor !== undefined) decodeCursor(query.cursor, REPORT_ORDER.length + 1);
      const pages = allPages<PolicyRegisterDocument>(this.readStore, collection, { where, orderBy: REPORT_ORDER, cursor: query.cursor });
      return new StreamableFile(csvStream(REPORT_COLUMNS, pages), {
        type: CSV_TYPE,
        disposition: `attachment; filename="policies-${params.tenantId}.csv"`,
      });
    }
    const page = await findPage<PolicyRegisterDocument>(this.readStore, collection, {
      where,
      orderBy: REPORT_ORDER,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return { tenantId: params.tenantId, policies: page.items.map(policyView), nextCursor: page.nextCursor };
  }

  @Get(':version/notices')
  @ApiOperation({ operationId: 'listPolicyNotices', summary: 'The notices sent about one policy version' })
  @ApiRead(PolicyNoticesDto, { description: 'A page of notices (JSON) or all of them (CSV).', csv: true, problems: [400, 404], problemDescriptions: { 404: 'This tenant has published no such policy version.' } })
  async notices(@Param() params: PolicyParams, @Query() query: PagedQuery, @Headers('accept') accept?: string) {
    await this.freshness.ensure(policyRegisterProjection.name, query.atLeast);
    await this.freshness.ensure(policyNoticesProjection.name, query.atLeast);
    if (!(await publishedPolicy(this.readStore, params.tenantId, params.version))) {
      throw new LedgerError('not-found', `This tenant has published no policy version ${params.version}.`);
    }
    const collection = policyNoticesProjection.collection.name;
    const where = { tenantId: params.tenantId, version: params.version };
    if (acceptsCsv(accept)) {
      if (query.cursor !== undefined) decodeCursor(query.cursor, NOTICE_ORDER.length + 1);
      const pages = allPages<PolicyNoticeDocument>(this.readStore, collection, { where, orderBy: NOTICE_ORDER, cursor: query.cursor });
      return new StreamableFile(csvStream(NOTICE_COLUMNS, pages), {
        type: CSV_TYPE,
        disposition: `attachment; filename="policy-notices-${params.tenantId}-${params.version}.csv"`,
      });
    }
    const page = await findPage<PolicyNoticeDocument>(this.readStore, collection, {
      where,
      orderBy: NOTICE_ORDER,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return { tenantId: params.tenantId, version: params.version, notices: page.items.map(noticeView), nextCursor: page.nextCursor };
  }
}
