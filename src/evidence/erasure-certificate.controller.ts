import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LedgerError } from '../domain/ledger-error.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { readKnownSubject } from '../event-store/subject-stream.js';
import { ApiRead } from '../http/openapi/api-responses.js';
import { SubjectParams } from '../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../platform/clock.js';
import { PersonalData } from '../privacy/personal-data.js';
import { FreshnessQuery } from '../projections/freshness.query.js';
import { ReadFreshness } from '../projections/read-freshness.js';
import { buildErasureCertificate } from './erasure-certificate.js';
import { ErasureCertificateDto } from './erasure-certificate.response.js';
import { merkleLeavesProjection } from './merkle-leaves.projection.js';
import { SIGNING_KEY, signCanonical, type SigningKey } from './signing-key.js';
import { TransparencyLog } from './transparency-log.js';

/**
 * A signed certificate that the subject's latest erasure completed in every system, with
 * inclusion proofs of its events against a freshly signed tree head (docs/audit.md).
 * `signature` is Ed25519 over the RFC 8785 canonical JSON of `{certificate, treeHead}`.
 */
@ApiTags('evidence')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/erasure-certificate')
export class ErasureCertificateController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    private readonly log: TransparencyLog,
    private readonly freshness: ReadFreshness,
    private readonly personalData: PersonalData,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getErasureCertificate', summary: 'A signed certificate that the subject’s erasure completed', description: 'The latest erasure of the subject, confirmed by every system, with inclusion proofs of its events against a freshly signed tree head. `signature` is Ed25519 over the RFC 8785 canonical JSON of {certificate, treeHead}.' })
  @ApiRead(ErasureCertificateDto, { description: 'The certificate.', problems: [400, 404, 409], problemDescriptions: { 404: 'Unknown subject, or one that never had an erasure.', 409: 'The erasure is still open (`erasure-not-completed`).' } })
  async certificate(@Param() params: SubjectParams, @Query() query: FreshnessQuery) {
    await this.freshness.ensure(merkleLeavesProjection.name, query.atLeast);
    // A confirmation's evidence is personal: after shredding (which a completed erasure implies) it reads "[erased]".
    const stream = await this.personalData.openEvents(await readKnownSubject(this.events, params.tenantId, params.subjectId));
    const outcome = buildErasureCertificate(params.tenantId, params.subjectId, stream, this.clock.now());
    if (outcome.state === 'none') throw new LedgerError('not-found', 'This subject never had an erasure.');
    if (outcome.state === 'open') {
      throw new LedgerError(
        'erasure-not-completed',
        `Erasure ${outcome.deletionId} is still open: waiting for ${outcome.pendingSystems.join(', ')}.`,
      );
    }
    const { certificate } = outcome;
    const proofs = await this.log.proveEvents(certificate.eventIds);
    return { certificate, proofs, signature: signCanonical(this.key, { certificate, treeHead: proofs.treeHead }) };
  }
}
