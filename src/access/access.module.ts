import { Inject, Injectable, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { LedgerConfig } from '../config/ledger-config.js';
import { StoresModule } from '../stores/stores.module.js';
import { AccessGuard } from './access.guard.js';
import { ConfirmationTokenAccess } from './confirmation-token-access.js';
import { ApiKeyRegistry } from './api-keys.js';
import { announceCreatedKey, loadOrCreateAdminKey } from './bootstrap-admin-key.js';

interface LoadedKeys {
  readonly registry: ApiKeyRegistry;
  /** Where the keys came from, for the start-up log (names and roles only). */
  readonly origin: { readonly level: 'log' | 'warn'; readonly message: string };
}

/**
 * The configured keys, or the stored (or, on a first start, created and printed) admin key when
 * none are configured.
 */
export const loadApiKeys = (config: LedgerConfig): LoadedKeys => {
  if (config.apiKeys !== undefined) {
    const names = config.apiKeys.map((k) => `${k.name} (${k.role})`).join(', ');
    return {
      registry: new ApiKeyRegistry(config.apiKeys),
      origin: { level: 'log', message: `${config.apiKeys.length} API key(s) configured: ${names}` },
    };
  }
  const stored = loadOrCreateAdminKey(config.dataDir);
  if (stored.createdKey !== undefined) process.stdout.write(announceCreatedKey(stored));
  const what =
    stored.createdKey !== undefined ? 'created an admin key (printed above, once), its hash stored in' : 'using the key hashes stored in';
  return {
    registry: new ApiKeyRegistry(stored.keys),
    origin: { level: 'warn', message: `no LEDGER_API_KEYS: ${what} ${stored.path}; configure LEDGER_API_KEYS outside development` },
  };
};

const KEYS_ORIGIN = Symbol('ApiKeysOrigin');

/** Logs where the keys came from once the app's logger is in place (not at module declaration). */
@Injectable()
class ApiKeysOriginLog implements OnModuleInit {
  constructor(@Inject(KEYS_ORIGIN) private readonly origin: LoadedKeys['origin']) {}

  onModuleInit(): void {
    new Logger('ApiKeys')[this.origin.level](this.origin.message);
  }
}

/** API keys and the guard that checks them on every route (docs/security.md). */
@Module({})
export class AccessModule {
  /**
   * Loads the keys while the module is declared, before Nest opens any store: a damaged key
   * file then fails start-up with nothing left open.
   */
  static register(config: LedgerConfig): DynamicModule {
    const { registry, origin } = loadApiKeys(config);
    return {
      module: AccessModule,
      imports: [StoresModule],
      providers: [
        ConfirmationTokenAccess,
        { provide: ApiKeyRegistry, useValue: registry },
        { provide: KEYS_ORIGIN, useValue: origin },
        ApiKeysOriginLog,
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [ApiKeyRegistry],
    };
  }
}
