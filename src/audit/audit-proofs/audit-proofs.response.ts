import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiCount, ApiText, ApiTextList } from '../../http/openapi/properties.js';
import { HEX_SHA256, SignedTreeHeadDto } from '../../evidence/proofs.response.js';

/** The audit routes' answers about the transparency log (its heads and proofs: src/evidence/proofs.response.ts). */
@ApiSchema({ name: 'TreeHeads' })
export class TreeHeadsDto {
  @ApiProperty({ type: () => [SignedTreeHeadDto], description: 'Every head the ledger signed, smallest tree first.' })
  treeHeads!: SignedTreeHeadDto[];
}

@ApiSchema({ name: 'ConsistencyProof', description: 'That the tree of `from` leaves is a prefix of the tree of `to` leaves (RFC 9162).' })
export class ConsistencyProofDto {
  @ApiCount()
  from!: number;

  @ApiCount()
  to!: number;

  @ApiText(HEX_SHA256)
  oldRootHash!: string;

  @ApiText(HEX_SHA256)
  newRootHash!: string;

  @ApiTextList()
  proof!: string[];
}
