import { Controller, Get, Headers, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { reConsentBaseline, type ReConsentBaseline } from '../../domain/policy/re-consent.js';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import { consentGrantsProjection } from '../consent-grants/consent-grants.projection.js';
import { policyRegisterProjection } from '../policy-register/policy-register.projection.js';
import { publishedPolicies } from '../policy-register/policy-register.reader.js';
import { acceptsCsv, CSV_TYPE } from '../../http/accepts-csv.js';
import { csvStream, type CsvColumn } from '../shared/csv.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../shared/paging.js';
import { PagedQuery } from '../shared/read-queries.dto.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { subjectStatusProjection } from '../subject-status/subject-status.projection.js';
import { findReConsentPage, reConsentCursor, type ReConsentSubject } from './re-consent.reader.js';
import { ReConsentDto } from './re-consent.response.js';

interface CsvRow {
  readonly subjectId: string;
  readonly purpose: string;
  readonly policyVersion: string;
  readonly since: string;
  readonly baseline: ReConsentBaseline;
}

const COLUMNS: CsvColumn<CsvRow>[] = [
  { header: 'subjectId', value: (row) => row.subjectId },
  { header: 'purpose', value: (row) => row.purpose },
  { header: 'policyVersion', value: (row) => row.policyVersion },
  { header: 'since', value: (row) => row.since },
  { header: 'materialVersion', value: (row) => row.baseline.materialVersion },
  { header: 'materialEffectiveFrom', value: (row) => row.baseline.effectiveFrom },
];

/**
 * Who must consent again after a material policy change (domain.md rule 6): the subjects
 * with a purpose granted under an older version (src/domain/policy/re-consent.ts says
 * which are older), with those purposes.
 */
@ApiTags('policies')
@Controller('v1/tenants/:tenantId/re-consent')
export class ReConsentController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly freshness: ReadFreshness,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listReConsent', summary: 'Who must consent again', description: 'After a material policy change: the subjects with a purpose granted under an older version, with those purposes. JSON pages by subject, or CSV (one row per subject and purpose) with `Accept: text/csv`.' })
  @ApiRead(ReConsentDto, { description: 'A page of subjects (JSON) or all of them (CSV).', csv: true })
  async list(@Param() params: TenantParams, @Query() query: PagedQuery, @Headers('accept') accept?: string) {
    // The answer joins three read models; each must have caught up with `atLeast`.
    for (const projection of [policyRegisterProjection, consentGrantsProjection, subjectStatusProjection]) {
      await this.freshness.ensure(projection.name, query.atLeast);
    }
    // Checked before a CSV answer starts: a bad cursor must be a 400, not a broken download.
    if (query.cursor !== undefined) reConsentCursor(query.cursor);
    const baseline = reConsentBaseline(await publishedPolicies(this.readStore, params.tenantId));
    if (acceptsCsv(accept)) {
      return new StreamableFile(csvStream(COLUMNS, this.csvPages(params.tenantId, baseline, query.cursor)), {
        type: CSV_TYPE,
        disposition: `attachment; filename="re-consent-${params.tenantId}.csv"`,
      });
    }
    if (baseline === null) {
      return { tenantId: params.tenantId, materialVersion: null, effectiveFrom: null, subjects: [], nextCursor: null };
    }
    const page = await findReConsentPage(this.readStore, params.tenantId, baseline, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
    return {
      tenantId: params.tenantId,
      materialVersion: baseline.materialVersion,
      effectiveFrom: baseline.effectiveFrom,
      subjects: page.items,
      nextCursor: page.nextCursor,
    };
  }

  /** Every page from the cursor on, one CSV row per subject and purpose. */
  private async *csvPages(tenantId: string, baseline: ReConsentBaseline | null, from: string | undefined): AsyncGenerator<CsvRow[]> {
    if (baseline === null) return;
    let cursor = from;
    for (;;) {
      const page = await findReConsentPage(this.readStore, tenantId, baseline, MAX_PAGE_SIZE, cursor);
      yield page.items.flatMap((subject: ReConsentSubject) => subject.purposes.map((purpose) => ({ subjectId: subject.subjectId, ...purpose, baseline })));
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }
}
