import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MetricsModule } from '../observability/metrics/metrics.module.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ConfirmErasureController } from './confirm-erasure/confirm-erasure.controller.js';
import { GiveConsentController } from './give-consent/give-consent.controller.js';
import { LodgeGrievanceController } from './lodge-grievance/lodge-grievance.controller.js';
import { RecordTransferController } from './record-transfer/record-transfer.controller.js';
import { RequestErasureController } from './request-erasure/request-erasure.controller.js';
import { ResolveGrievanceController } from './resolve-grievance/resolve-grievance.controller.js';
import { PolicyCommandExecutor } from './policy/policy-command-executor.js';
import { PolicyCommandDispatcher } from './policy/policy-command.dispatcher.js';
import { PolicyCommandHandler } from './policy/policy-command.handler.js';
import { PublishPolicyController } from './publish-policy/publish-policy.controller.js';
import { SendPolicyNoticeController } from './send-policy-notice/send-policy-notice.controller.js';
import { CommandRequestFactory } from './shared/command-request.factory.js';
import { SubjectCommandDispatcher } from './shared/subject-command.dispatcher.js';
import { SubjectCommandExecutor } from './shared/subject-command-executor.js';
import { SubjectCommandHandler } from './shared/subject-command.handler.js';
import { StreamCommandExecutor } from './shared/stream-command-executor.js';
import { WithdrawConsentController } from './withdraw-consent/withdraw-consent.controller.js';

@Module({
  imports: [CqrsModule, StoresModule, PrivacyModule, MetricsModule],
  controllers: [
    GiveConsentController,
    WithdrawConsentController,
    RecordTransferController,
    RequestErasureController,
    ConfirmErasureController,
    LodgeGrievanceController,
    ResolveGrievanceController,
    PublishPolicyController,
    SendPolicyNoticeController,
  ],
  providers: [
    StreamCommandExecutor,
    SubjectCommandExecutor,
    SubjectCommandHandler,
    CommandRequestFactory,
    SubjectCommandDispatcher,
    PolicyCommandExecutor,
    PolicyCommandHandler,
    PolicyCommandDispatcher,
  ],
})
export class CommandsModule {}
