import { Controller, Get, Header, Inject, Param, ParseUUIDPipe, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../access/access.guard.js';
import { validationFailed } from '../domain/ledger-error.js';
import { ReadFreshness } from '../read-models/shared/read-freshness.js';
import { ConsistencyQuery, TreeSizeQuery } from './audit-proofs.query.js';
import { merkleLeavesProjection } from './merkle-leaves.projection.js';
import { SIGNING_KEY, type SigningKey } from './signing-key.js';
import { TransparencyLog } from './transparency-log.js';

/** What an auditor needs to check the ledger without trusting it (docs/audit.md). */
@Controller('v1/audit')
export class AuditProofsController {
  constructor(
    private readonly log: TransparencyLog,
    private readonly freshness: ReadFreshness,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
  ) {}

  @Get('tree-head')
  async treeHead(@Query() query: TreeSizeQuery) {
    await this.freshness.ensure(merkleLeavesProjection.name, query.atLeast);
    return this.log.signedHead(query.treeSize);
  }

  @Get('tree-heads')
  async treeHeads() {
    return { treeHeads: await this.log.storedHeads() };
  }

  @Get('public-key')
  @Header('content-type', 'application/x-pem-file')
  publicKey(): string {
    return this.key.publicKeyPem;
  }

  @Get('events/:eventId/proof')
  async inclusion(
    @Param('eventId', new ParseUUIDPipe({ exceptionFactory: () => badEventId() })) eventId: string,
    @Query() query: TreeSizeQuery,
    @Req() request: FastifyRequest,
  ) {
    await this.freshness.ensure(merkleLeavesProjection.name, query.atLeast);
    return this.log.inclusion(eventId, query.treeSize, principalOf(request).tenants);
  }

  @Get('consistency')
  async consistency(@Query() query: ConsistencyQuery) {
    await this.freshness.ensure(merkleLeavesProjection.name, query.atLeast);
    return this.log.consistency(query.from, query.to);
  }
}

const badEventId = () => validationFailed([{ field: 'eventId', message: 'eventId must be a UUID' }]);
