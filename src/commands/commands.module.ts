import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { LedgerMetrics } from '../observability/metrics/ledger-metrics.js';
import { MetricsModule } from '../observability/metrics/metrics.module.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ConfirmErasureController } from './confirm-erasure/confirm-erasure.controller.js';
import { ConfirmErasureHandler } from './confirm-erasure/confirm-erasure.handler.js';
import { GiveConsentController } from './give-consent/give-consent.controller.js';
import { GiveConsentHandler } from './give-consent/give-consent.handler.js';
import { LodgeGrievanceController } from './lodge-grievance/lodge-grievance.controller.js';
import { LodgeGrievanceHandler } from './lodge-grievance/lodge-grievance.handler.js';
import { ManageSubscriptionController } from './manage-subscriptions/manage-subscription.controller.js';
import { ManageSubscriptionHandler } from './manage-subscriptions/manage-subscription.handler.js';
import { PublishPolicyController } from './publish-policy/publish-policy.controller.js';
import { PublishPolicyHandler } from './publish-policy/publish-policy.handler.js';
import { RecordRecipientNotificationController } from './record-recipient-notification/record-recipient-notification.controller.js';
import { RecordRecipientNotificationHandler } from './record-recipient-notification/record-recipient-notification.handler.js';
import { WebhookNoticeRecorder } from './record-recipient-notification/webhook-notice.recorder.js';
import { ErasureTaskDeliveries } from './record-task-delivery/erasure-task-deliveries.js';
import { RecordTaskDeliveryHandler } from './record-task-delivery/record-task-delivery.handler.js';
import { RecordTransferController } from './record-transfer/record-transfer.controller.js';
import { RecordTransferHandler } from './record-transfer/record-transfer.handler.js';
import { CommandRequestFactory } from './request-context/command-request.factory.js';
import { RequestErasureController } from './request-erasure/request-erasure.controller.js';
import { RequestErasureHandler } from './request-erasure/request-erasure.handler.js';
import { ResolveGrievanceController } from './resolve-grievance/resolve-grievance.controller.js';
import { ResolveGrievanceHandler } from './resolve-grievance/resolve-grievance.handler.js';
import { SendPolicyNoticeController } from './send-policy-notice/send-policy-notice.controller.js';
import { SendPolicyNoticeHandler } from './send-policy-notice/send-policy-notice.handler.js';
import { SubjectWritePath } from './subject-write-path/subject-write-path.js';
import { WithdrawConsentController } from './withdraw-consent/withdraw-consent.controller.js';
import { WithdrawConsentHandler } from './withdraw-consent/withdraw-consent.handler.js';
import { StreamCommandExecutor } from './write-path/stream-command-executor.js';
import { StreamStateCache } from './write-path/stream-state-cache.js';

const CONTROLLERS = [
  GiveConsentController,
  WithdrawConsentController,
  RecordTransferController,
  RequestErasureController,
  ConfirmErasureController,
  LodgeGrievanceController,
  ResolveGrievanceController,
  PublishPolicyController,
  SendPolicyNoticeController,
  RecordRecipientNotificationController,
  ManageSubscriptionController,
];

const PROVIDERS: Provider[] = [
  // Shared by every command: one idempotency lock, one write path, one cache of stream states.
  StreamCommandExecutor,
  {
    provide: StreamStateCache,
    inject: [LEDGER_CONFIG, LedgerMetrics],
    useFactory: (config: LedgerConfig, metrics: LedgerMetrics) =>
      new StreamStateCache(config.stateCacheSubjects, {
        hit: () => metrics.stateCacheLookup(true),
        miss: () => metrics.stateCacheLookup(false),
        evicted: () => metrics.stateCacheEvicted(),
      }),
  },
  SubjectWritePath,
  CommandRequestFactory,
  GiveConsentHandler,
  WithdrawConsentHandler,
  RecordTransferHandler,
  RequestErasureHandler,
  ConfirmErasureHandler,
  LodgeGrievanceHandler,
  ResolveGrievanceHandler,
  PublishPolicyHandler,
  SendPolicyNoticeHandler,
  RecordRecipientNotificationHandler,
  WebhookNoticeRecorder,
  ManageSubscriptionHandler,
  RecordTaskDeliveryHandler,
  ErasureTaskDeliveries,
];

/**
 * The write path and its commands. With `routes` (roles `all` and `api`) it serves the command
 * routes; without (role `projector`) it is the write path alone, through which the webhook
 * delivery worker records what its deliveries achieved (WebhookNoticeRecorder,
 * ErasureTaskDeliveries). Built once per app and passed to the modules that import it.
 */
@Module({})
export class CommandsModule {
  static register(options: { readonly routes: boolean }): DynamicModule {
    return {
      module: CommandsModule,
      imports: [CqrsModule, StoresModule, PrivacyModule, MetricsModule],
      controllers: options.routes ? CONTROLLERS : [],
      providers: PROVIDERS,
      exports: [WebhookNoticeRecorder, ErasureTaskDeliveries],
    };
  }
}
