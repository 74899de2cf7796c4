import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { readKnownSubject } from '../event-store/subject-stream.js';
import { ApiRead } from '../http/openapi/api-responses.js';
import { SubjectParams } from '../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../platform/clock.js';
import { PersonalData } from '../privacy/personal-data.js';
import { acceptsCsv, CSV_TYPE } from '../http/accepts-csv.js';
import { buildSubjectExport } from './subject-export.js';
import { subjectExportCsv } from './subject-export.csv.js';
import { SubjectExportDto } from './subject-export.response.js';

/** An access request: everything about one subject, as JSON or as a sectioned CSV file. */
@ApiTags('subjects')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/export')
export class SubjectExportController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly personalData: PersonalData,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'exportSubject', summary: 'Everything about one subject (access request)', description: 'Built from the subject’s own events: status, consents, withdrawals, transfers and recipients, erasures, grievances. JSON, or a sectioned CSV with `Accept: text/csv`.' })
  @ApiRead(SubjectExportDto, { description: 'The export.', csv: true, problems: [400, 404], problemDescriptions: { 404: 'The ledger holds no facts about this subject for this tenant.' } })
  async export(@Param() params: SubjectParams, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const stream = await this.personalData.openEvents(await readKnownSubject(this.events, params.tenantId, params.subjectId));
    const data = buildSubjectExport(params.tenantId, params.subjectId, stream, this.clock.now());
    if (!acceptsCsv(accept)) return data;
    void reply
      .header('content-type', CSV_TYPE)
      .header('content-disposition', `attachment; filename="export-${params.tenantId}-${params.subjectId}.csv"`);
    return subjectExportCsv(data);
  }
}
