import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { StoresModule } from '../stores/stores.module.js';
import { ConfirmErasureController } from './confirm-erasure/confirm-erasure.controller.js';
import { GiveConsentController } from './give-consent/give-consent.controller.js';
import { LodgeGrievanceController } from './lodge-grievance/lodge-grievance.controller.js';
import { RecordTransferController } from './record-transfer/record-transfer.controller.js';
import { RequestErasureController } from './request-erasure/request-erasure.controller.js';
import { ResolveGrievanceController } from './resolve-grievance/resolve-grievance.controller.js';
import { CommandRequestFactory } from './shared/command-request.factory.js';
import { SubjectCommandDispatcher } from './shared/subject-command.dispatcher.js';
import { SubjectCommandExecutor } from './shared/subject-command-executor.js';
import { SubjectCommandHandler } from './shared/subject-command.handler.js';
import { WithdrawConsentController } from './withdraw-consent/withdraw-consent.controller.js';

@Module({
  imports: [CqrsModule, StoresModule],
  controllers: [
    GiveConsentController,
    WithdrawConsentController,
    RecordTransferController,
    RequestErasureController,
    ConfirmErasureController,
    LodgeGrievanceController,
    ResolveGrievanceController,
  ],
  providers: [SubjectCommandExecutor, SubjectCommandHandler, CommandRequestFactory, SubjectCommandDispatcher],
})
export class CommandsModule {}
