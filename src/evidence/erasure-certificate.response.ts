import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiFlag, ApiInstant, ApiNullableInstant, ApiNullableText, ApiText, ApiTextList } from '../http/openapi/properties.js';
import { EventProofsDto } from './proofs.response.js';

class ConfirmedSystemDto {
  @ApiText()
  system!: string;

  @ApiInstant()
  completedAt!: string;

  @ApiNullableText({ description: 'The system’s reference to its proof; "[erased]" once the subject’s key is destroyed.' })
  evidence!: string | null;

  @ApiText({ format: 'uuid' })
  eventId!: string;
}

class CertifiedRecipientDto {
  @ApiText() id!: string;
  @ApiText() name!: string;
  @ApiText() kind!: string;
  @ApiTextList() dataCategories!: string[];
  @ApiText({ enum: ['owed', 'overdue', 'notified'], description: 'At issuance; `overdue`: not told past `dueAt`.' }) state!: string;
  @ApiNullableInstant() notifiedAt!: string | null;
  @ApiNullableText({ description: 'How it was told (email, letter, phone, api, webhook, portal, in-person).' }) channel!: string | null;
  @ApiNullableText({ format: 'uuid', description: 'The `recipient-notified` event.' }) eventId!: string | null;
}

@ApiSchema({ name: 'ErasureCertificateBody' })
class ErasureCertificateBodyDto {
  @ApiText()
  tenantId!: string;

  @ApiText()
  subjectId!: string;

  @ApiText()
  deletionId!: string;

  @ApiText({ description: 'What opened the erasure (a direct request, or the withdrawal of every purpose).' })
  trigger!: string;

  @ApiInstant()
  requestedAt!: string;

  @ApiInstant()
  dueAt!: string;

  @ApiInstant()
  completedAt!: string;

  @ApiFlag()
  completedOnTime!: boolean;

  @ApiProperty({ type: () => [ConfirmedSystemDto] })
  systems!: ConfirmedSystemDto[];

  @ApiProperty({ type: () => [CertifiedRecipientDto], description: 'The recipients to be told of the erasure (Art. 19), and who was.' })
  recipients!: CertifiedRecipientDto[];

  @ApiTextList({ description: 'The events the certificate rests on.' })
  eventIds!: string[];

  @ApiInstant()
  issuedAt!: string;
}

@ApiSchema({ name: 'ErasureCertificate' })
export class ErasureCertificateDto {
  @ApiProperty({ type: () => ErasureCertificateBodyDto })
  certificate!: ErasureCertificateBodyDto;

  @ApiProperty({ type: () => EventProofsDto })
  proofs!: EventProofsDto;

  @ApiText({ format: 'byte', description: 'Base64 Ed25519 signature over the RFC 8785 canonical JSON of {certificate, treeHead}.' })
  signature!: string;
}
