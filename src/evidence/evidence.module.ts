import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { AuditProofsController } from './audit-proofs.controller.js';
import { ConsentReceiptController } from './consent-receipt.controller.js';
import { ErasureCertificateController } from './erasure-certificate.controller.js';
import { EvidenceCoreModule } from './evidence-core.module.js';

@Module({
  imports: [EvidenceCoreModule, ReadModelsModule, StoresModule],
  controllers: [AuditProofsController, ErasureCertificateController, ConsentReceiptController],
})
export class EvidenceModule {}
