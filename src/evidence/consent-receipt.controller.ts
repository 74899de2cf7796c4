import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { LedgerError } from '../domain/ledger-error.js';
import { subjectStreamId } from '../domain/stream-id.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ApiRead } from '../http/openapi/api-responses.js';
import { SubjectParams } from '../http/subject-params.dto.js';
import { buildConsentReceipt, signCompactJws } from './consent-receipt.js';
import { ConsentReceiptDto } from './consent-receipt.response.js';
import { SIGNING_KEY, type SigningKey } from './signing-key.js';

export class ConsentReceiptParams extends SubjectParams {
  @ApiProperty({ format: 'uuid', description: 'The id of a consent-given event of this subject.' })
  @IsUUID('all', { message: 'eventId must be a UUID' })
  eventId!: string;
}

/** One consent-given event as a Kantara v1.1 consent receipt, signed as a compact EdDSA JWS. */
@ApiTags('evidence')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents/:eventId/receipt')
export class ConsentReceiptController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getConsentReceipt',
    summary: 'A consent receipt',
    description: 'One consent-given event as a Kantara v1.1 consent receipt, signed as a compact EdDSA JWS.',
  })
  @ApiRead(ConsentReceiptDto, {
    description: 'The receipt and its JWS.',
    problems: [400, 404],
    problemDescriptions: { 404: 'No consent-given event with this id for this subject.' },
  })
  async receipt(@Param() params: ConsentReceiptParams) {
    const stream = await this.events.readStream(subjectStreamId(params.tenantId, params.subjectId));
    const receipt = buildConsentReceipt(params.tenantId, params.subjectId, stream, params.eventId, this.key.publicKeyPem);
    if (!receipt) throw new LedgerError('not-found', `No consent-given event ${params.eventId} for this subject.`);
    return { receipt, jws: signCompactJws(this.key.privateKey, receipt) };
  }
}
