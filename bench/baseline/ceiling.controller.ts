import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { GiveConsentDto } from '../../src/commands/give-consent/give-consent.dto.js';
import { SubjectParams } from '../../src/http/subject-params.dto.js';
import { DurableAppend } from './durable-append.js';

/** The baseline's route plus one durable append of the request before the answer (the store ceiling). */
@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents')
export class CeilingController {
  constructor(@Inject(DurableAppend) private readonly log: DurableAppend) {}

  @Post()
  @HttpCode(201)
  async give(@Param() params: SubjectParams, @Body() body: GiveConsentDto) {
    const position = await this.log.append(`subject-${params.tenantId}/${params.subjectId}`, 'consent-given', body, params.tenantId);
    return { subjectId: params.subjectId, purposes: body.purposes.length, events: [{ position }] };
  }
}
