import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { readKnownSubject } from '../event-store/subject-stream.js';
import { SubjectParams } from '../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../platform/clock.js';
import { PersonalData } from '../privacy/personal-data.js';
import { acceptsCsv, CSV_TYPE } from '../read-models/shared/accepts-csv.js';
import { buildSubjectExport } from './subject-export.js';
import { subjectExportCsv } from './subject-export.csv.js';

/** An access request: everything about one subject, as JSON or as a sectioned CSV file. */
@Controller('v1/tenants/:tenantId/subjects/:subjectId/export')
export class SubjectExportController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly personalData: PersonalData,
  ) {}

  @Get()
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
