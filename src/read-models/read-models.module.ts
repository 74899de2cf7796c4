import { Module } from '@nestjs/common';
import { EvidenceCoreModule } from '../evidence/evidence-core.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ErasuresController } from './erasure-monitor/erasures.controller.js';
import { GrievancesController } from './grievance-monitor/grievances.controller.js';
import { HealthController } from './health/health.controller.js';
import { PoliciesController } from './policy-register/policies.controller.js';
import { ReConsentController } from './re-consent/re-consent.controller.js';
import { ProcessingRecordController } from './processing-record/processing-record.controller.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { PROJECTION_RUNNER_OPTIONS, ProjectionRunner, type ProjectionRunnerOptions } from './runner/projection-runner.js';
import { ReadFreshness } from './shared/read-freshness.js';
import { SubjectHistoryController } from './subject-history/subject-history.controller.js';
import { SubjectStatusController } from './subject-status/subject-status.controller.js';
import { TransferRegisterController } from './transfer-register/transfer-register.controller.js';

@Module({
  imports: [StoresModule, EvidenceCoreModule],
  // The history route is registered before the status route's parameter could swallow it.
  controllers: [
    SubjectHistoryController,
    SubjectStatusController,
    TransferRegisterController,
    ErasuresController,
    GrievancesController,
    HealthController,
    PoliciesController,
    ReConsentController,
    ProcessingRecordController,
  ],
  providers: [
    ProjectionRunner,
    ReadFreshness,
    {
      provide: PROJECTION_RUNNER_OPTIONS,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig): ProjectionRunnerOptions => ({ leaseTtlMs: config.projectionLeaseTtlMs }),
    },
  ],
  // The runner for the readiness probe and the projection gauges (src/observability).
  exports: [ReadFreshness, ProjectionRunner],
})
export class ReadModelsModule {}
