import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { aGlobalLog, aSubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import type { ReadDocument, ReadStore } from '../../read-store/read-store.port.js';
import { SqliteReadStore } from '../../read-store/sqlite/sqlite-read-store.js';
import type { ErasureDocument } from '../../read-models/erasure-monitor/erasure-monitor.projection.js';
import { erasureMonitorProjection } from '../../read-models/erasure-monitor/erasure-monitor.projection.js';
import { grievanceMonitorProjection } from '../../read-models/grievance-monitor/grievance-monitor.projection.js';
import type { Projection } from '../projection.js';
import { PROJECTIONS } from '../../app.projections.js';
import { subjectHistoryProjection } from '../../read-models/subject-history/subject-history.projection.js';
import type { SubjectStatusDocument } from '../../read-models/subject-status/subject-status.projection.js';
import { subjectStatusProjection } from '../../read-models/subject-status/subject-status.projection.js';
import { transferRegisterProjection } from '../../read-models/transfer-register/transfer-register.projection.js';
import { applyBatch, ProjectionEventError } from './projection-processor.js';

/** A real embedded read store on a fresh temporary file, removed when `work` is done. */
const withReadStore = async (work: (store: ReadStore) => Promise<void>): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), 'ledger-processor-'));
  const store = new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite')));
  try {
    await store.prepare(PROJECTIONS.map((projection) => projection.collection));
    await work(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
};

const documentsOf = (store: ReadStore, projection: Projection): Promise<ReadDocument[]> =>
  store.find(projection.collection.name, { orderBy: ['_id'] });

/**
 * Two subjects of one tenant on one global log: Alice consents, is sent data, asks for
 * erasure and has it confirmed in both systems; Bob consents, is sent data, and has a
 * grievance lodged and resolved.
 */
const aTwoSubjectHistory = () => {
  const log = aGlobalLog();
  const alice = aSubjectStream({ log });
  const bob = aSubjectStream({ log, tenantId: alice.tenantId });
  // Built in log order: each builder call takes the next global position.
  const events: StoredEvent[] = [alice.consentGiven(), bob.consentGiven(), alice.dataTransferred()];
  const request = alice.deletionRequested({ systems: ['crm', 'backups'] });
  events.push(request, bob.dataTransferred());
  const grievance = bob.grievanceLodged();
  events.push(
    grievance,
    bob.grievanceResolved({ grievanceId: grievance.data.grievanceId }),
    alice.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm', remainingSystems: ['backups'] }),
    alice.deletionCompleted({ deletionId: request.data.deletionId, system: 'backups' }),
  );
  return { alice, bob, deletionId: request.data.deletionId, events };
};

const lastPositionOf = (events: readonly StoredEvent[]): number => events.at(-1)?.globalPosition ?? 0;

describe('applying a batch of events to a projection', () => {
  it('writes the documents of every projection and moves each checkpoint to the last event', async () => {
    await withReadStore(async (store) => {
      const { alice, bob, deletionId, events } = aTwoSubjectHistory();

      for (const projection of PROJECTIONS) await applyBatch(projection, store, events);

      expect(await store.count(subjectStatusProjection.collection.name)).toBe(2);
      expect(await store.count(subjectHistoryProjection.collection.name)).toBe(9);
      expect(await store.count(transferRegisterProjection.collection.name)).toBe(2);
      expect(await store.count(erasureMonitorProjection.collection.name)).toBe(1);
      expect(await store.count(grievanceMonitorProjection.collection.name)).toBe(1);
      const statuses = await store.find<SubjectStatusDocument>(subjectStatusProjection.collection.name, { orderBy: ['subjectId'] });
      expect(statuses.map((status) => [status.subjectId, status.eventCount]).sort()).toEqual(
        [
          [alice.subjectId, 5],
          [bob.subjectId, 4],
        ].sort(),
      );
      const erasure = await store.get<ErasureDocument>(erasureMonitorProjection.collection.name, deletionId);
      expect(erasure).toMatchObject({ _id: deletionId, _position: lastPositionOf(events), state: 'completed' });
      for (const projection of PROJECTIONS) {
        expect(await store.getCheckpoint(projection.name)).toBe(lastPositionOf(events));
      }
    });
  });

  it('moves the checkpoint over a batch with no event the projection handles', async () => {
    await withReadStore(async (store) => {
      const subject = aSubjectStream();
      const events = [subject.consentGiven(), subject.consentWithdrawn(), subject.otherEvent('something-else')];

      await applyBatch(transferRegisterProjection, store, events);

      expect(await store.count(transferRegisterProjection.collection.name)).toBe(0);
      expect(await store.getCheckpoint(transferRegisterProjection.name)).toBe(lastPositionOf(events));
    });
  });

  it('applies the events of one batch to the same document in their order', async () => {
    await withReadStore(async (store) => {
      const subject = aSubjectStream();
      const first = subject.consentGiven({ purposes: ['crm-access'], policyVersion: 'v1' });
      const withdrawal = subject.consentWithdrawn({ purposes: ['crm-access'] });
      const again = subject.consentGiven({ purposes: ['crm-access'], policyVersion: 'v2' });
      const events = [first, withdrawal, again];

      await applyBatch(subjectStatusProjection, store, events);

      const id = subjectStatusProjection.documentId(again) ?? '';
      const status = await store.get<SubjectStatusDocument>(subjectStatusProjection.collection.name, id);
      expect(status).toMatchObject({
        _id: id,
        _position: again.globalPosition,
        eventCount: 3,
        purposes: { 'crm-access': { status: 'granted', policyVersion: 'v2', since: again.occurredAt, eventId: again.id } },
      });
    });
  });
});

describe('when a batch is applied again, as after a crash between its documents and its checkpoint', () => {
  it.each(PROJECTIONS.map((projection) => [projection.name, projection] as const))(
    '%s changes no document',
    async (_name, projection) => {
      await withReadStore(async (store) => {
        const { events } = aTwoSubjectHistory();
        await applyBatch(projection, store, events);
        const before = await documentsOf(store, projection);

        await store.resetCheckpoint(projection.name, 0);
        await applyBatch(projection, store, events);

        expect(await documentsOf(store, projection)).toEqual(before);
        expect(await store.getCheckpoint(projection.name)).toBe(lastPositionOf(events));
      });
    },
  );

  it('does not count a subject’s events twice', async () => {
    await withReadStore(async (store) => {
      const { alice, events } = aTwoSubjectHistory();
      await applyBatch(subjectStatusProjection, store, events);

      await store.resetCheckpoint(subjectStatusProjection.name, 0);
      await applyBatch(subjectStatusProjection, store, events);

      const id = `${encodeURIComponent(alice.tenantId)}/${encodeURIComponent(alice.subjectId)}`;
      const status = await store.get<SubjectStatusDocument>(subjectStatusProjection.collection.name, id);
      expect(status?.eventCount).toBe(5);
      expect(status?.erasure.eventIds).toHaveLength(3);
    });
  });

  it('does not record an erasure confirmation twice', async () => {
    await withReadStore(async (store) => {
      const { deletionId, events } = aTwoSubjectHistory();
      await applyBatch(erasureMonitorProjection, store, events);

      await store.resetCheckpoint(erasureMonitorProjection.name, 0);
      await applyBatch(erasureMonitorProjection, store, events);

      const erasure = await store.get<ErasureDocument>(erasureMonitorProjection.collection.name, deletionId);
      expect(erasure?.confirmations.map((confirmation) => confirmation.system)).toEqual(['crm', 'backups']);
    });
  });

  it('applies only the events a document does not have yet when batches overlap', async () => {
    await withReadStore(async (overlapping) => {
      await withReadStore(async (once) => {
        const { events } = aTwoSubjectHistory();

        for (const projection of PROJECTIONS) {
          await applyBatch(projection, overlapping, events.slice(0, 4));
          await applyBatch(projection, overlapping, events.slice(2));
          await applyBatch(projection, once, events);
        }

        for (const projection of PROJECTIONS) {
          expect(await documentsOf(overlapping, projection)).toEqual(await documentsOf(once, projection));
        }
      });
    });
  });
});

describe('when a projection fails on an event', () => {
  /** The subject-status projection under another name, throwing on one event. */
  const failingOn = (eventId: string): Projection => ({
    ...(subjectStatusProjection as unknown as Projection),
    name: `failing-status-${randomUUID()}`,
    evolve: (current, event) => {
      if (event.id === eventId) throw new Error('cannot fold this event');
      return subjectStatusProjection.evolve(current as SubjectStatusDocument | null, event);
    },
  });

  it('reports the projection and the event, writes nothing of the batch and keeps the checkpoint', async () => {
    await withReadStore(async (store) => {
      const log = aGlobalLog();
      const alice = aSubjectStream({ log });
      const bob = aSubjectStream({ log, tenantId: alice.tenantId });
      const carol = aSubjectStream({ log, tenantId: alice.tenantId });
      const applied = [alice.consentGiven(), bob.consentGiven()];
      const poison = bob.consentWithdrawn();
      const failed = [alice.dataTransferred(), carol.consentGiven(), poison, alice.consentWithdrawn()];
      const projection = failingOn(poison.id);
      await applyBatch(projection, store, applied);
      const before = await documentsOf(store, projection);

      const error = await applyBatch(projection, store, failed).then(
        () => null,
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(ProjectionEventError);
      expect(error).toMatchObject({ projection: projection.name, eventId: poison.id, globalPosition: poison.globalPosition });
      expect((error as Error).message).toContain(projection.name);
      expect((error as Error).message).toContain(poison.id);
      expect(await documentsOf(store, projection)).toEqual(before);
      expect(before).toHaveLength(2);
      expect(await store.getCheckpoint(projection.name)).toBe(lastPositionOf(applied));
    });
  });
});
