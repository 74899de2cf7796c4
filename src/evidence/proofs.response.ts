import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiCount, ApiInstant, ApiText, ApiTextList } from '../http/openapi/properties.js';

export const HEX_SHA256 = { pattern: '^[0-9a-f]{64}$' };

/** The OpenAPI description of the transparency log's answers (transparency-log.ts builds them). */
@ApiSchema({ name: 'SignedTreeHead', description: 'The Merkle tree head over the first `treeSize` events (RFC 9162 hashing), signed with Ed25519.' })
export class SignedTreeHeadDto {
  @ApiCount()
  treeSize!: number;

  @ApiText({ ...HEX_SHA256, description: 'Root hash, hex.' })
  rootHash!: string;

  @ApiInstant()
  timestamp!: string;

  @ApiText({ format: 'byte', description: 'Base64 Ed25519 signature over the RFC 8785 canonical JSON of {treeSize, rootHash, timestamp}.' })
  signature!: string;
}

@ApiSchema({ name: 'InclusionProof', description: 'That one event is leaf `leafIndex` of the tree of `treeSize` leaves with root `rootHash`.' })
export class InclusionProofDto {
  @ApiText({ format: 'uuid' })
  eventId!: string;

  @ApiText({ ...HEX_SHA256, description: 'SHA-256 of the stored event (docs/audit.md).' })
  eventHash!: string;

  @ApiText({ ...HEX_SHA256, description: 'H(0x00 ‖ eventHash).' })
  leafHash!: string;

  @ApiCount()
  leafIndex!: number;

  @ApiCount()
  treeSize!: number;

  @ApiText(HEX_SHA256)
  rootHash!: string;

  @ApiTextList({ description: 'The audit path, hex hashes, leaf to root.' })
  proof!: string[];
}

@ApiSchema({ name: 'EventProofs', description: 'A freshly signed tree head and an inclusion proof of each event against it; checkable offline.' })
export class EventProofsDto {
  @ApiProperty({ type: () => SignedTreeHeadDto })
  treeHead!: SignedTreeHeadDto;

  @ApiProperty({ type: () => [InclusionProofDto] })
  events!: InclusionProofDto[];

  @ApiTextList({ description: 'Events the Merkle log has not applied yet (no proof yet).' })
  pending!: string[];
}
