import { Controller, Get, Header, Inject, Param, ParseUUIDPipe, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { principalOf } from '../../access/access.guard.js';
import { validationFailed } from '../../domain/ledger-error.js';
import { ApiFile, ApiRead } from '../../http/openapi/api-responses.js';
import { ReadFreshness } from '../../projections/read-freshness.js';
import { ConsistencyQuery, TreeSizeQuery } from './audit-proofs.query.js';
import { ConsistencyProofDto, TreeHeadsDto } from './audit-proofs.response.js';
import { InclusionProofDto, SignedTreeHeadDto } from '../../evidence/proofs.response.js';
import { merkleLeavesProjection } from '../../evidence/merkle-leaves.projection.js';
import { SIGNING_KEY, type SigningKey } from '../../evidence/signing-key.js';
import { TransparencyLog } from '../../evidence/transparency-log.js';

const PEM = 'application/x-pem-file';

/** What an auditor needs to check the ledger without trusting it (docs/audit.md). */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditProofsController {
  constructor(
    private readonly log: TransparencyLog,
    private readonly freshness: ReadFreshness,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
  ) {}

  @Get('tree-head')
  @ApiOperation({ operationId: 'signTreeHead', summary: 'A signed head of the Merkle log', description: 'Signs (and stores) the head of the tree of the first `treeSize` events; default every event in the log so far.' })
  @ApiRead(SignedTreeHeadDto, { description: 'The signed tree head.' })
  async treeHead(@Query() query: TreeSizeQuery) {
    await this.freshness.ensure(merkleLeavesProjection.name, query.atLeast);
    return this.log.signedHead(query.treeSize);
  }

  @Get('tree-heads')
  @ApiOperation({ operationId: 'listTreeHeads', summary: 'Every tree head the ledger signed' })
  @ApiRead(TreeHeadsDto, { description: 'The signed heads, smallest tree first.', problems: [] })
  async treeHeads() {
    return { treeHeads: await this.log.storedHeads() };
  }

  @Get('public-key')
  @ApiOperation({ operationId: 'getPublicKey', summary: 'The ledger’s Ed25519 public key', description: 'Verifies tree heads, certificates and receipts.' })
  @ApiFile(PEM, 'The public key, SPKI PEM.')
  @Header('content-type', PEM)
  publicKey(): string {
    return this.key.publicKeyPem;
  }

  @Get('events/:eventId/proof')
  @ApiOperation({ operationId: 'proveInclusion', summary: 'An inclusion proof of one event' })
  @ApiParam({ name: 'eventId', format: 'uuid', description: 'The id of an event.' })
  @ApiRead(InclusionProofDto, { description: 'The proof.', problems: [400, 404], problemDescriptions: { 404: 'No such event in the Merkle log (yet).' } })
  async inclusion(
    @Param('eventId', new ParseUUIDPipe({ exceptionFactory: () => badEventId() })) eventId: string,
    @Query() query: TreeSizeQuery,
    @Req() request: FastifyRequest,
  ) {
    await this.freshness.ensure(merkleLeavesProjection.name, query.atLeast);
    return this.log.inclusion(eventId, query.treeSize, principalOf(request).tenants);
  }

  @Get('consistency')
  @ApiOperation({ operationId: 'proveConsistency', summary: 'A consistency proof between two tree sizes' })
  @ApiRead(ConsistencyProofDto, { description: 'The proof.' })
  async consistency(@Query() query: ConsistencyQuery) {
    await this.freshness.ensure(merkleLeavesProjection.name, query.atLeast);
    return this.log.consistency(query.from, query.to);
  }
}

const badEventId = () => validationFailed([{ field: 'eventId', message: 'eventId must be a UUID' }]);
