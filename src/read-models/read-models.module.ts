import { Module, type DynamicModule } from '@nestjs/common';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ErasuresController } from './erasure-monitor/erasures.controller.js';
import { GrievancesController } from './grievance-monitor/grievances.controller.js';
import { PoliciesController } from './policy-register/policies.controller.js';
import { ReConsentController } from './re-consent/re-consent.controller.js';
import { ProcessingRecordController } from './processing-record/processing-record.controller.js';
import { SubjectHistoryController } from './subject-history/subject-history.controller.js';
import { SubjectStatusController } from './subject-status/subject-status.controller.js';
import { TransferRegisterController } from './transfer-register/transfer-register.controller.js';

/**
 * The read models' query routes; their projections run in the app's ProjectionsModule, and their
 * gauges are in ReadModelMetricsModule.
 */
@Module({})
export class ReadModelsModule {
  /** `projections` and `evidence`: the app's ProjectionsModule and EvidenceModule (the status as of an instant carries proofs). */
  static register(projections: DynamicModule, evidence: DynamicModule): DynamicModule {
    return {
      module: ReadModelsModule,
      imports: [StoresModule, PrivacyModule, projections, evidence],
      // The history route is registered before the status route's parameter could swallow it.
      controllers: [
        SubjectHistoryController,
        SubjectStatusController,
        TransferRegisterController,
        ErasuresController,
        GrievancesController,
        PoliciesController,
        ReConsentController,
        ProcessingRecordController,
      ],
    };
  }
}
