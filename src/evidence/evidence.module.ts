import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module.js';
import { AuditProofsController } from './audit-proofs.controller.js';
import { EvidenceCoreModule } from './evidence-core.module.js';

@Module({
  imports: [EvidenceCoreModule, ReadModelsModule],
  controllers: [AuditProofsController],
})
export class EvidenceModule {}
