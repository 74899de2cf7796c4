import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { subjectStreamId } from '../domain/stream-id.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { PersonalData } from './personal-data.js';

/**
 * Start of crypto-shredding: the master-key check before anything is served and the sweep of
 * keys whose destruction a crash interrupted (the stores module closes the key store, last).
 *
 * Why a start-up sweep and not a `key-shredder` projection: projections are pure data whose
 * effects the runner owns (read-model documents and checkpoints), and `ledger rebuild`
 * replays them from position 0 with no key store at hand; a projection that destroys keys
 * would need a new kind of effect in the shared runner, its lease and its rebuild. The write
 * path instead marks the key (durably) before appending `subject-data-shredded` and deletes
 * it right after; the sweep only has to look at marked keys, so it costs nothing when no
 * shredding was interrupted, and it reads the log, so replaying it is harmless.
 */
@Injectable()
export class PrivacyLifecycle implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('PersonalData');

  constructor(
    private readonly personalData: PersonalData,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.personalData.checkMasterKey();
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const destroyed = await this.personalData.sweepInterruptedShreds(async ({ tenantId, subjectId }) =>
        (await this.events.readStream(subjectStreamId(tenantId, subjectId))).some((event) => event.type === 'subject-data-shredded'),
      );
      if (destroyed > 0) this.logger.warn(`destroyed ${destroyed} data key(s) whose shredding was interrupted`);
    } catch (error) {
      // The marks stay: the next start tries again. Serving must not wait for a store outage.
      this.logger.error(`could not finish interrupted shreddings: ${(error as Error).message}`);
    }
  }
}
