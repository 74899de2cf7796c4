import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { ReadModelsModule } from '../read-models/read-models.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { HealthProbesController } from './health/health-probes.controller.js';
import { ReadinessIndicators } from './health/readiness.indicators.js';
import { claimProcessLogger, requestLogParams, type LogSettings } from './logging/request-log.options.js';
import { LedgerMetrics } from './metrics/ledger-metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ReadModelGauges } from './metrics/read-model-gauges.js';

/**
 * Metrics, health probes and structured logs (docs/operations.md). Global so that the write
 * path can count commands and events into this app's LedgerMetrics without importing it.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static register(logs: LogSettings): DynamicModule {
    claimProcessLogger(logs);
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot(requestLogParams(logs)),
        // Readiness logs its changes itself; terminus' own logger prints around the app's logger.
        TerminusModule.forRoot({ logger: false }),
        StoresModule,
        ReadModelsModule,
      ],
      controllers: [MetricsController, HealthProbesController],
      providers: [LedgerMetrics, ReadModelGauges, ReadinessIndicators],
      exports: [LedgerMetrics],
    };
  }
}
