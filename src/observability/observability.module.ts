import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { StoresModule } from '../stores/stores.module.js';
import { HealthController } from './health/health.controller.js';
import { HealthProbesController } from './health/health-probes.controller.js';
import { ReadinessIndicators } from './health/readiness.indicators.js';
import { claimProcessLogger, requestLogParams, type LogSettings } from './logging/request-log.options.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { TracingShutdown } from './tracing/tracing-shutdown.js';

/**
 * Metrics, health routes, structured logs and the flush of traces at shutdown (docs/operations.md). The write path and the read
 * models' gauges count into the same LedgerMetrics by importing MetricsModule. `projections`:
 * the app's ProjectionsModule (the health routes read the runner).
 */
@Module({})
export class ObservabilityModule {
  static register(logs: LogSettings, projections: DynamicModule): DynamicModule {
    claimProcessLogger(logs);
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot(requestLogParams(logs)),
        // Readiness logs its changes itself; terminus' own logger prints around the app's logger.
        TerminusModule.forRoot({ logger: false }),
        StoresModule,
        MetricsModule,
        projections,
      ],
      controllers: [MetricsController, HealthProbesController, HealthController],
      providers: [ReadinessIndicators, TracingShutdown],
    };
  }
}
