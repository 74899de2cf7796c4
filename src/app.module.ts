import { Global, Module, type DynamicModule, type LoggerService, type LogLevel } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DestinationStream } from 'pino';
import { AccessModule } from './access/access.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CommandsModule } from './commands/commands.module.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { SubjectExportModule } from './subject-export/subject-export.module.js';
import { EvidenceModule } from './evidence/evidence.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { OpsDashboardModule } from './ops-dashboard/ops-dashboard.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { ProjectionsModule, type ProjectionPlacement } from './projections/projections.module.js';
import type { ProjectorWorkerOptions } from './projections/worker/projector-worker-host.js';
import { ReadModelMetricsModule } from './read-models/metrics/read-model-metrics.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { PROJECTIONS } from './app.projections.js';
import { logSettingsOf, type LogSettings } from './observability/logging/request-log.options.js';
import { LEDGER_CONFIG, type LedgerConfig } from './config/ledger-config.js';
import { CLOCK, systemClock, type Clock } from './platform/clock.js';
import { ID_GENERATOR, uuidV7Generator, type IdGenerator } from './platform/ids.js';
import { ConfirmationTokensModule } from './webhooks/confirmation-tokens/confirmation-tokens.module.js';

export interface AppOptions {
  readonly config: LedgerConfig;
  /** Tests move time; production uses the system clock. */
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Unset: JSON logs through pino (docs/operations.md); given, Nest's logger and no request log. */
  readonly logger?: LoggerService | LogLevel[] | false;
  /** Where the JSON log lines go instead of standard output (tests capture them); implies JSON logs. */
  readonly logStream?: DestinationStream;
  /** The projector worker's entry; default the compiled `projector.worker.js` beside this file (tests run the TypeScript). */
  readonly projectorWorker?: ProjectorWorkerOptions;
}

/**
 * Where the projections run (docs/deployment.md#roles). `all` on the embedded event store: in a
 * worker thread, since the SQLite reads of the log and writes of the read models are
 * synchronous and would hold up the thread answering HTTP. `all` on EventStoreDB: on this
 * thread, where the runner's work is asynchronous I/O (production scales with `api` and
 * `projector` processes instead). `projector`: on this thread, which serves only health and
 * metrics. `api`: in other processes.
 */
export const projectionPlacement = (options: AppOptions): ProjectionPlacement => {
  const { role, eventStoreConnectionString } = options.config;
  if (role === 'api') return { runIn: 'elsewhere' };
  if (role === 'projector' || eventStoreConnectionString !== undefined) return { runIn: 'this-thread' };
  return { runIn: 'worker', worker: options.projectorWorker ?? { entry: new URL('./projector.worker.js', import.meta.url) } };
};

/** How the app logs, from its options and LEDGER_LOG_LEVEL. */
export const appLogSettings = (options: AppOptions): LogSettings =>
  logSettingsOf({ level: options.config.logLevel, logger: options.logger, logStream: options.logStream });

/**
 * Configuration, clock and id generator: provided once, injected everywhere. The one global
 * module, on purpose: these are the app's ambient values (nearly every module reads one), they
 * come from AppOptions per app (tests bring their own clock and ids), and they depend on
 * nothing. Every other module imports what it uses.
 */
@Global()
@Module({})
class PlatformModule {
  static register(options: AppOptions): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: options.config },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: ID_GENERATOR, useValue: options.ids ?? uuidV7Generator },
      ],
      exports: [LEDGER_CONFIG, CLOCK, ID_GENERATOR],
    };
  }
}

@Module({})
export class AppModule {
  static register(options: AppOptions): DynamicModule {
    // Built once per app and handed to every module that needs them: Nest shares a dynamic
    // module by object identity, so there is one projection runner and one transparency log.
    const projections = ProjectionsModule.forRoot(PROJECTIONS, projectionPlacement(options));
    const metrics = ReadModelMetricsModule.register(projections);
    if (options.config.role === 'projector') {
      // The projections, and what operates them: the health routes and the metrics. The
      // webhook delivery worker runs here too, recording what it delivered through the write
      // path (the commands module without its routes).
      const commands = CommandsModule.register({ routes: false });
      return {
        module: AppModule,
        imports: [
          PlatformModule.register(options),
          CqrsModule.forRoot(),
          AccessModule.register(options.config),
          projections,
          metrics,
          commands,
          WebhooksModule.register({ serveApi: false, runWorker: true, commands }),
          ObservabilityModule.register(appLogSettings(options), projections),
        ],
      };
    }
    const evidence = EvidenceModule.register(projections);
    const commands = CommandsModule.register({ routes: true });
    return {
      module: AppModule,
      imports: [
        PlatformModule.register(options),
        CqrsModule.forRoot(),
        AccessModule.register(options.config),
        PrivacyModule,
        commands,
        ReadModelsModule.register(projections, evidence),
        SubjectExportModule,
        evidence,
        AuditModule.register(projections, evidence),
        OpsDashboardModule,
        ConfirmationTokensModule,
        metrics,
        // The delivery worker runs where the projections run (roles all and projector), on this
        // thread: its work is network I/O and small store writes (docs/webhooks.md).
        WebhooksModule.register({ serveApi: true, runWorker: options.config.role === 'all', commands }),
        ObservabilityModule.register(appLogSettings(options), projections),
      ],
    };
  }
}
