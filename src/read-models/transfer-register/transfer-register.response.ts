import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiCount, ApiInstant, ApiNextCursor, ApiNullableText, ApiText, ApiTextList } from '../../http/openapi/properties.js';

/** One transfer as the register answers it (transfer-register.view.ts). */
@ApiSchema({ name: 'Transfer' })
export class TransferDto {
  @ApiText() tenantId!: string;
  @ApiText() subjectId!: string;
  @ApiText() transferId!: string;
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiInstant() occurredAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiText() recipientId!: string;
  @ApiText() recipientName!: string;
  @ApiText() recipientKind!: string;
  @ApiText() country!: string;
  @ApiTextList() dataCategories!: string[];
  @ApiText() purpose!: string;
  @ApiText() legalBasis!: string;
  @ApiNullableText({ description: 'The caller’s reference; "[erased]" once the subject’s key is destroyed.' }) reference!: string | null;
  @ApiCount() globalPosition!: number;
}

@ApiSchema({ name: 'TransferRegister', description: 'A page of a tenant’s transfers, oldest first.' })
export class TransferRegisterDto {
  @ApiText() tenantId!: string;
  @ApiProperty({ type: () => [TransferDto] }) transfers!: TransferDto[];
  @ApiNextCursor() nextCursor!: string | null;
}
