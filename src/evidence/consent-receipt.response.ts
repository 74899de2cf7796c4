import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiFlag, ApiOptionalText, ApiText, ApiTextList } from '../http/openapi/properties.js';

class ReceiptPurposeDto {
  @ApiText()
  purpose!: string;

  @ApiTextList()
  purposeCategory!: string[];

  @ApiText({ enum: ['EXPLICIT'] })
  consentType!: string;

  @ApiTextList()
  piiCategory!: string[];

  @ApiFlag()
  primaryPurpose!: boolean;

  @ApiText()
  termination!: string;

  @ApiFlag()
  thirdPartyDisclosure!: boolean;

  @ApiOptionalText({ description: 'The recipients of transfers for this purpose, comma-separated.' })
  thirdPartyName?: string;
}

class ReceiptServiceDto {
  @ApiText()
  service!: string;

  @ApiProperty({ type: () => [ReceiptPurposeDto] })
  purposes!: ReceiptPurposeDto[];
}

class PiiControllerDto {
  @ApiText()
  piiController!: string;

  @ApiOptionalText()
  contact?: string;
}

@ApiSchema({ name: 'KantaraConsentReceipt', description: 'A Kantara Initiative Consent Receipt v1.1.' })
class KantaraReceiptDto {
  @ApiText()
  version!: string;

  @ApiText()
  jurisdiction!: string;

  @ApiProperty({ type: 'integer', description: 'Seconds since the epoch (negative before 1970).' })
  consentTimestamp!: number;

  @ApiText()
  collectionMethod!: string;

  @ApiText({ format: 'uuid', description: 'The consent-given event id.' })
  consentReceiptID!: string;

  @ApiOptionalText({ description: 'The ledger’s Ed25519 public key, PEM.' })
  publicKey?: string;

  @ApiText()
  language!: string;

  @ApiText()
  piiPrincipalId!: string;

  @ApiProperty({ type: () => [PiiControllerDto] })
  piiControllers!: PiiControllerDto[];

  @ApiText()
  policyUrl!: string;

  @ApiProperty({ type: () => [ReceiptServiceDto] })
  services!: ReceiptServiceDto[];

  @ApiFlag()
  sensitive!: boolean;

  @ApiTextList()
  spiCat!: string[];
}

@ApiSchema({ name: 'ConsentReceipt' })
export class ConsentReceiptDto {
  @ApiProperty({ type: () => KantaraReceiptDto })
  receipt!: KantaraReceiptDto;

  @ApiText({ description: 'The receipt as a compact JWS (EdDSA, RFC 8037).' })
  jws!: string;
}

