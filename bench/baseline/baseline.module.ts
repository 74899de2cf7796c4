import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { BaselineController } from './baseline.controller.js';
import { CeilingController } from './ceiling.controller.js';
import { DurableAppend } from './durable-append.js';

@Module({ controllers: [BaselineController] })
export class BaselineModule {}

/** The store ceiling: the baseline's route with a durable group-committed append behind it. */
@Module({})
export class CeilingModule implements OnApplicationShutdown {
  private static log: DurableAppend | undefined;

  static withLog(path: string): DynamicModule {
    CeilingModule.log = new DurableAppend(path);
    return {
      module: CeilingModule,
      controllers: [CeilingController],
      providers: [{ provide: DurableAppend, useValue: CeilingModule.log }],
    };
  }

  onApplicationShutdown(): void {
    CeilingModule.log?.close();
  }
}
