import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { MetricsModule } from '../observability/metrics/metrics.module.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port.js';
import { StoresModule } from '../stores/stores.module.js';
import { DeliveriesController } from './deliveries/deliveries.controller.js';
import { ConfirmationTokensModule } from './confirmation-tokens/confirmation-tokens.module.js';
import { DELIVERY_HOOKS } from './delivery/delivery-hooks.js';
import { RecordingDeliveryHooks } from './delivery/recording-delivery-hooks.js';
import { DELIVERY_STORE } from './delivery/delivery-store.port.js';
import { DeliveryWorker } from './delivery/delivery-worker.js';
import { ReadStoreDeliveryStore } from './delivery/read-store-delivery-store.js';
import { SubscriptionsController } from './subscriptions/subscriptions.controller.js';
import { SubscriptionsQuery } from './subscriptions/subscriptions.query.js';
import { WebhookMetrics } from './webhook-metrics.js';

export interface WebhooksPlacement {
  /** Serve the subscription reads and the delivery routes (roles `all` and `api`). */
  readonly serveApi: boolean;
  /** Run the delivery worker (roles `all` and `projector`, where the projections run). */
  readonly runWorker: boolean;
  /** The app's commands module (CommandsModule.register): the worker records through its write path. */
  readonly commands: DynamicModule;
}

/**
 * Webhooks: the subscription reads, the deliveries routes, the delivery worker and its
 * metrics. The subscription commands are in the commands feature (they go through its write
 * path). A delivery's erasure tasks carry confirmation tokens (ConfirmationTokensModule), and
 * what a delivery achieved (task delivered, recipient notified) is recorded through the
 * commands' write path (RecordingDeliveryHooks).
 */
@Module({})
export class WebhooksModule {
  static register(placement: WebhooksPlacement): DynamicModule {
    const providers: Provider[] = [
      {
        provide: DELIVERY_STORE,
        inject: [READ_STORE],
        useFactory: async (store: ReadStore) => {
          const deliveries = new ReadStoreDeliveryStore(store);
          await deliveries.prepare();
          return deliveries;
        },
      },
      { provide: DELIVERY_HOOKS, useClass: RecordingDeliveryHooks },
      WebhookMetrics,
      SubscriptionsQuery,
      ...(placement.runWorker ? [DeliveryWorker] : []),
    ];
    return {
      module: WebhooksModule,
      imports: [StoresModule, PrivacyModule, MetricsModule, ConfirmationTokensModule, placement.commands],
      controllers: placement.serveApi ? [SubscriptionsController, DeliveriesController] : [],
      providers,
    };
  }
}
