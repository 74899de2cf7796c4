import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { GiveConsentDto } from '../../src/commands/give-consent/give-consent.dto.js';
import { SubjectParams } from '../../src/http/subject-params.dto.js';

/**
 * The consent route's shape with nothing behind it: the same params and body DTOs (so the
 * same class-validator work), an answer of the same shape, no storage, no guard, no logs.
 */
@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents')
export class BaselineController {
  @Post()
  @HttpCode(201)
  give(@Param() params: SubjectParams, @Body() body: GiveConsentDto) {
    return { subjectId: params.subjectId, purposes: body.purposes.length, events: [] };
  }
}
