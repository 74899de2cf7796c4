import { Module, type DynamicModule } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { StoresModule } from '../stores/stores.module.js';
import { PROJECTION_LIST, type Projection } from './projection.js';
import { ReadFreshness } from './read-freshness.js';
import { PROJECTION_RUNNER_OPTIONS, ProjectionRunner, type ProjectionRunnerOptions } from './runner/projection-runner.js';

/**
 * The projection runner (one per app) and read-your-writes waits. Features own their
 * projections and do not import each other to register them: the composition root passes
 * every projection to `forRoot` once, and hands the module it returns to each feature
 * module that reads the runner (Nest shares a dynamic module imported as the same object).
 */
@Module({})
export class ProjectionsModule {
  static forRoot(projections: readonly Projection[]): DynamicModule {
    return {
      module: ProjectionsModule,
      imports: [StoresModule],
      providers: [
        { provide: PROJECTION_LIST, useValue: projections },
        ProjectionRunner,
        ReadFreshness,
        {
          provide: PROJECTION_RUNNER_OPTIONS,
          inject: [LEDGER_CONFIG],
          useFactory: (config: LedgerConfig): ProjectionRunnerOptions => ({ leaseTtlMs: config.projectionLeaseTtlMs }),
        },
      ],
      exports: [ReadFreshness, ProjectionRunner],
    };
  }
}
