import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { StoresModule } from '../stores/stores.module.js';
import { PROJECTION_LIST, type Projection } from './projection.js';
import { ProjectionProgress } from './projection-progress.js';
import { ReadFreshness } from './read-freshness.js';
import { PROJECTION_RUNNER_OPTIONS, ProjectionRunner, type ProjectionRunnerOptions } from './runner/projection-runner.js';
import { StoredCheckpoints } from './stored-checkpoints.js';
import { PROJECTOR_WORKER_OPTIONS, ProjectorWorkerHost, type ProjectorWorkerOptions } from './worker/projector-worker-host.js';

/**
 * Where this process's projections run (docs/deployment.md#roles): on this thread, in the
 * projector worker thread, or elsewhere (another process: this one only reads the checkpoints).
 */
export type ProjectionPlacement =
  | { readonly runIn: 'this-thread' }
  | { readonly runIn: 'worker'; readonly worker: ProjectorWorkerOptions }
  | { readonly runIn: 'elsewhere' };

const progressProviders = (placement: ProjectionPlacement): Provider[] => {
  switch (placement.runIn) {
    case 'this-thread':
      return [
        { provide: ProjectionProgress, useClass: ProjectionRunner },
        {
          provide: PROJECTION_RUNNER_OPTIONS,
          inject: [LEDGER_CONFIG],
          useFactory: (config: LedgerConfig): ProjectionRunnerOptions => ({ leaseTtlMs: config.projectionLeaseTtlMs }),
        },
      ];
    case 'worker':
      return [
        { provide: ProjectionProgress, useClass: ProjectorWorkerHost },
        { provide: PROJECTOR_WORKER_OPTIONS, useValue: placement.worker },
      ];
    case 'elsewhere':
      return [{ provide: ProjectionProgress, useClass: StoredCheckpoints }];
    default:
      return placement satisfies never;
  }
};

/**
 * The projections' progress (one runner per app, wherever it runs) and read-your-writes
 * waits. Features own their projections and do not import each other to register them: the
 * composition root passes every projection to `forRoot` once, and hands the module it returns
 * to each feature module that reads the progress (Nest shares a dynamic module imported as the
 * same object).
 */
@Module({})
export class ProjectionsModule {
  static forRoot(projections: readonly Projection[], placement: ProjectionPlacement): DynamicModule {
    return {
      module: ProjectionsModule,
      imports: [StoresModule],
      providers: [{ provide: PROJECTION_LIST, useValue: projections }, ReadFreshness, ...progressProviders(placement)],
      exports: [ReadFreshness, ProjectionProgress],
    };
  }
}
