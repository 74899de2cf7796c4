import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsModule } from '../../observability/metrics/metrics.module.js';
import { StoresModule } from '../../stores/stores.module.js';
import { ReadModelGauges } from './read-model-gauges.js';

/**
 * The read models' gauges (projection positions, lag and states; open and overdue erasures and
 * grievances), counted into the app's LedgerMetrics when Prometheus scrapes. Its own module so
 * that a `projector` process, which serves no read route, exports them too.
 */
@Module({})
export class ReadModelMetricsModule {
  /** `projections`: the app's ProjectionsModule. */
  static register(projections: DynamicModule): DynamicModule {
    return {
      module: ReadModelMetricsModule,
      imports: [StoresModule, MetricsModule, projections],
      providers: [ReadModelGauges],
    };
  }
}
