import { Module, type DynamicModule } from '@nestjs/common';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { AuditEventsController } from './audit-events/audit-events.controller.js';
import { LiveFeeds } from './audit-events/live-feeds.js';
import { AuditProofsController } from './audit-proofs/audit-proofs.controller.js';

/** Every /v1/audit route: the event export and the transparency log's heads and proofs. */
@Module({})
export class AuditModule {
  /** `projections` and `evidence`: the app's ProjectionsModule and EvidenceModule (the same objects everywhere). */
  static register(projections: DynamicModule, evidence: DynamicModule): DynamicModule {
    return {
      module: AuditModule,
      imports: [StoresModule, PrivacyModule, projections, evidence],
      controllers: [AuditProofsController, AuditEventsController],
      providers: [LiveFeeds],
    };
  }
}
