import { Global, Module, type DynamicModule, type LoggerService, type LogLevel } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessModule } from './access/access.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CommandsModule } from './commands/commands.module.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { SubjectExportModule } from './subject-export/subject-export.module.js';
import { EvidenceModule } from './evidence/evidence.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { LEDGER_CONFIG, type LedgerConfig } from './config/ledger-config.js';
import { CLOCK, systemClock, type Clock } from './platform/clock.js';
import { ID_GENERATOR, uuidV7Generator, type IdGenerator } from './platform/ids.js';

export interface AppOptions {
  readonly config: LedgerConfig;
  /** Tests move time; production uses the system clock. */
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: LoggerService | LogLevel[] | false;
}

/** Configuration, clock and id generator: provided once, injected everywhere. */
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
    return {
      module: AppModule,
      imports: [PlatformModule.register(options), CqrsModule.forRoot(), AccessModule.register(options.config), PrivacyModule, CommandsModule, ReadModelsModule, SubjectExportModule, EvidenceModule, AuditModule],
    };
  }
}
