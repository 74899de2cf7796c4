import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { ApiRead } from '../../http/openapi/api-responses.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import { consentGrantsProjection } from '../consent-grants/consent-grants.projection.js';
import { erasureMonitorProjection } from '../erasure-monitor/erasure-monitor.projection.js';
import { grievanceMonitorProjection } from '../grievance-monitor/grievance-monitor.projection.js';
import { acceptsCsv, CSV_TYPE } from '../../http/accepts-csv.js';
import { FreshnessQuery } from '../../projections/freshness.query.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { subjectStatusProjection } from '../subject-status/subject-status.projection.js';
import { buildProcessingRecord } from './processing-record.js';
import { processingRecordCsv } from './processing-record.csv.js';
import { ProcessingRecordDto } from './processing-record.response.js';
import { transferSummaryProjection } from './transfer-summary.projection.js';

/** The read models the record is made of: `?atLeast=` waits for all of them. */
const SOURCES = [
  transferSummaryProjection,
  subjectStatusProjection,
  erasureMonitorProjection,
  consentGrantsProjection,
  grievanceMonitorProjection,
].map((projection) => projection.name);

/** GET /v1/tenants/{t}/processing-record: the record of processing a regulator asks for, JSON or CSV. */
@ApiTags('regulator')
@Controller('v1/tenants/:tenantId/processing-record')
export class ProcessingRecordController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly freshness: ReadFreshness,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getProcessingRecord', summary: 'The record of processing of a tenant', description: 'Purposes, categories of subjects and data, recipients, cross-border transfers, erasure and grievance deadlines kept: generated from the recorded facts. JSON, or a sectioned CSV with `Accept: text/csv`.' })
  @ApiRead(ProcessingRecordDto, { description: 'The record.', csv: true })
  async record(
    @Param() params: TenantParams,
    @Query() query: FreshnessQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await Promise.all(SOURCES.map((name) => this.freshness.ensure(name, query.atLeast)));
    const record = await buildProcessingRecord(
      this.readStore,
      params.tenantId,
      this.clock.now(),
      {
        jurisdiction: this.config.jurisdiction,
        erasureDays: this.config.erasureDays,
        erasureSystems: this.config.erasureSystems,
        grievanceDays: this.config.grievanceDays,
      },
    );
    if (!acceptsCsv(accept)) return record;
    reply.header('content-type', CSV_TYPE);
    reply.header('content-disposition', `attachment; filename="processing-record-${params.tenantId}.csv"`);
    return processingRecordCsv(record);
  }
}
