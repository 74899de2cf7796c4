import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { GrievanceCategory, GrievanceChannel, GrievanceOutcome } from '../catalogue.js';
import { type ErrorCode, LedgerError } from '../ledger-error.js';
import { grievanceDueAt } from './grievance.decide.js';
import type { GrievanceLodged, GrievanceResolved } from './grievance.events.js';
import type { DecisionContext, SubjectCommand } from './subject.commands.js';
import { decide } from './subject.decide.js';
import type { DeletionCompleted, DeletionRequested, SubjectEvent } from './subject.events.js';
import { evolve, foldSubject } from './subject.state.js';

// ---------------------------------------------------------------------------------------
// given / when / then over the pure decider, for domain.md rule 7 (grievances). Every id is
// a fresh random one, so no test can lean on another's data.
// ---------------------------------------------------------------------------------------

const SYSTEMS = ['crm', 'backups'] as const;

const aContext = (overrides: Partial<DecisionContext> = {}): DecisionContext => ({
  occurredAt: '2026-03-10T09:30:00.000Z',
  recordedAt: '2026-03-10T09:30:00.000Z',
  newId: randomUUID(),
  erasureDays: 30,
  erasureSystems: [...SYSTEMS],
  ...overrides,
});

const given = (events: readonly SubjectEvent[] = []) => {
  const state = foldSubject(events);
  return {
    when: (command: SubjectCommand, context: DecisionContext = aContext()) => {
      const decided = (): SubjectEvent[] => decide(command, state, context);
      return {
        then: (expected: readonly SubjectEvent[]): void => {
          expect(decided()).toEqual(expected);
        },
        thenThrows: (code: ErrorCode, status: number): LedgerError => {
          let caught: unknown;
          try {
            decided();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(LedgerError);
          const error = caught as LedgerError;
          expect(error.code).toBe(code);
          expect(error.status).toBe(status);
          return error;
        },
      };
    },
  };
};

// Builders --------------------------------------------------------------------------------

const lodge = (category: GrievanceCategory = 'consent', channel: GrievanceChannel = 'email', description?: string): SubjectCommand => ({
  type: 'lodge-grievance',
  category,
  channel,
  ...(description !== undefined && { description }),
});

const resolve = (grievanceId: string, outcome: GrievanceOutcome = 'upheld'): SubjectCommand => ({
  type: 'resolve-grievance',
  grievanceId,
  outcome,
});

const grievanceLodged = (
  grievanceId: string,
  { receivedAt = '2026-03-01T08:00:00.000Z', dueAt = '2026-04-01T08:00:00.000Z' } = {},
): GrievanceLodged => ({
  type: 'grievance-lodged',
  occurredAt: receivedAt,
  data: { grievanceId, category: 'access', channel: 'web', receivedAt, dueAt },
});

const grievanceResolved = (grievanceId: string, resolvedAt = '2026-03-05T08:00:00.000Z'): GrievanceResolved => ({
  type: 'grievance-resolved',
  occurredAt: resolvedAt,
  data: { grievanceId, outcome: 'rejected', resolvedAt, dueAt: '2026-04-01T08:00:00.000Z', resolvedOnTime: true },
});

/** An erasure requested and confirmed by every system: the subject is erased. */
const completedErasure = (deletionId = randomUUID()): SubjectEvent[] => [
  {
    type: 'deletion-requested',
    occurredAt: '2026-03-02T00:00:00.000Z',
    data: {
      deletionId,
      requestedAt: '2026-03-02T00:00:00.000Z',
      dueAt: '2026-04-01T00:00:00.000Z',
      systems: [...SYSTEMS],
      trigger: 'subject-request',
    },
  } satisfies DeletionRequested,
  ...SYSTEMS.map((system, index): DeletionCompleted => ({
    type: 'deletion-completed',
    occurredAt: `2026-03-0${3 + index}T00:00:00.000Z`,
    data: { deletionId, system, completedAt: `2026-03-0${3 + index}T00:00:00.000Z`, remainingSystems: SYSTEMS.slice(index + 1) },
  })),
];

// ---------------------------------------------------------------------------------------

describe('grievance deadline (rule 7: redressed within one month of receipt)', () => {
  it.each([
    ['a mid-month receipt: the same day next month', '2026-03-15T10:20:30.000Z', '2026-04-15T10:20:30.000Z'],
    ['Jan 31 in a common year: Feb 28', '2026-01-31T09:00:00.000Z', '2026-02-28T09:00:00.000Z'],
    ['Jan 31 in a leap year: Feb 29', '2028-01-31T23:59:59.999Z', '2028-02-29T23:59:59.999Z'],
    ['Mar 31: Apr 30', '2026-03-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z'],
    ['Dec 15: Jan 15 of the next year', '2026-12-15T18:45:00.000Z', '2027-01-15T18:45:00.000Z'],
    ['Feb 28: Mar 28, not the end of March', '2026-02-28T12:00:00.000Z', '2026-03-28T12:00:00.000Z'],
  ])('is one calendar month later in UTC, at the same time of day: %s', (_name, receivedAt, dueAt) => {
    expect(grievanceDueAt(receivedAt, undefined)).toBe(dueAt);
  });

  it('is exactly the configured number of days later when LEDGER_GRIEVANCE_DAYS is set', () => {
    expect(grievanceDueAt('2026-01-31T09:00:00.000Z', 90)).toBe('2026-05-01T09:00:00.000Z');
    expect(grievanceDueAt('2026-03-15T10:20:30.000Z', 1)).toBe('2026-03-16T10:20:30.000Z');
  });

  describe('whatever time zone the process runs in', () => {
    const original = process.env['TZ'];
    afterEach(() => {
      if (original === undefined) delete process.env['TZ'];
      else process.env['TZ'] = original;
    });

    it.each(['America/Sao_Paulo', 'Pacific/Kiritimati', 'Asia/Kolkata', 'Europe/Berlin'])(
      'gives the UTC calendar month under TZ=%s, across date lines and daylight-saving changes',
      (zone) => {
        process.env['TZ'] = zone;
        // 23:30 UTC on Jan 31 is already Feb 1 in Kiritimati and Kolkata; the deadline still follows UTC.
        expect(grievanceDueAt('2026-01-31T23:30:00.000Z', undefined)).toBe('2026-02-28T23:30:00.000Z');
        // Evening of Mar 30 in Sao Paulo, Jan 31 in Kiritimati: a local-calendar month would be a day off.
        expect(grievanceDueAt('2026-03-31T01:00:00.000Z', undefined)).toBe('2026-04-30T01:00:00.000Z');
        expect(grievanceDueAt('2026-01-30T12:00:00.000Z', undefined)).toBe('2026-02-28T12:00:00.000Z');
        // Europe and Sao Paulo change clocks around these dates.
        expect(grievanceDueAt('2026-03-01T01:30:00.000Z', undefined)).toBe('2026-04-01T01:30:00.000Z');
        expect(grievanceDueAt('2026-10-25T00:15:00.000Z', undefined)).toBe('2026-11-25T00:15:00.000Z');
      },
    );
  });
});

describe('grievance decider', () => {
  describe('lodge-grievance', () => {
    describe('when the ledger does not know the subject yet', () => {
      it('lodges it: a new grievance id, received at occurredAt, due one calendar month later', () => {
        const context = aContext({ occurredAt: '2026-01-31T09:00:00.000Z' });
        given([])
          .when(lodge('erasure', 'phone', 'You still call me after I asked you to delete my number.'), context)
          .then([
            {
              type: 'grievance-lodged',
              occurredAt: '2026-01-31T09:00:00.000Z',
              data: {
                grievanceId: context.newId,
                category: 'erasure',
                channel: 'phone',
                receivedAt: '2026-01-31T09:00:00.000Z',
                dueAt: '2026-02-28T09:00:00.000Z',
                description: 'You still call me after I asked you to delete my number.',
              },
            },
          ]);
      });

      it('leaves the description out of the event when none was given', () => {
        const context = aContext();
        given([])
          .when(lodge('marketing', 'post'), context)
          .then([
            {
              type: 'grievance-lodged',
              occurredAt: context.occurredAt,
              data: {
                grievanceId: context.newId,
                category: 'marketing',
                channel: 'post',
                receivedAt: context.occurredAt,
                dueAt: '2026-04-10T09:30:00.000Z',
              },
            },
          ]);
      });

      it('makes the subject known', () => {
        const [lodged] = decide(lodge(), foldSubject([]), aContext());
        expect(evolve(foldSubject([]), lodged!).known).toBe(true);
      });
    });

    it('uses the fixed number of days when the context carries one', () => {
      const context = aContext({ occurredAt: '2026-01-31T09:00:00.000Z', grievanceDays: 90 });
      const [lodged] = decide(lodge(), foldSubject([]), context);
      expect(lodged).toMatchObject({ data: { receivedAt: '2026-01-31T09:00:00.000Z', dueAt: '2026-05-01T09:00:00.000Z' } });
    });

    it('lodges a second grievance beside an open one, with its own id', () => {
      const first = randomUUID();
      const context = aContext();
      const [lodged] = decide(lodge(), foldSubject([grievanceLodged(first)]), context);
      expect(lodged).toMatchObject({ type: 'grievance-lodged', data: { grievanceId: context.newId } });
      expect(context.newId).not.toBe(first);
    });

    it('lodges while an erasure is open (the complaint may be about that erasure)', () => {
      const [requested] = completedErasure();
      const context = aContext();
      const [lodged] = decide(lodge('erasure'), foldSubject([requested!]), context);
      expect(lodged?.type).toBe('grievance-lodged');
    });

    it('refuses a grievance once the subject is erased, like every other new fact', () => {
      const error = given(completedErasure()).when(lodge()).thenThrows('subject-erased', 409);
      expect(error.detail).toContain('2026-03-04T00:00:00.000Z');
    });
  });

  describe('resolve-grievance', () => {
    it('records the outcome, resolved on time when before the deadline', () => {
      const grievanceId = randomUUID();
      given([grievanceLodged(grievanceId)])
        .when(resolve(grievanceId, 'partially-upheld'), aContext({ occurredAt: '2026-03-20T16:00:00.000Z' }))
        .then([
          {
            type: 'grievance-resolved',
            occurredAt: '2026-03-20T16:00:00.000Z',
            data: {
              grievanceId,
              outcome: 'partially-upheld',
              resolvedAt: '2026-03-20T16:00:00.000Z',
              dueAt: '2026-04-01T08:00:00.000Z',
              resolvedOnTime: true,
            },
          },
        ]);
    });

    it('is on time when resolved exactly at the deadline', () => {
      const grievanceId = randomUUID();
      const [resolved] = decide(
        resolve(grievanceId),
        foldSubject([grievanceLodged(grievanceId)]),
        aContext({ occurredAt: '2026-04-01T08:00:00.000Z' }),
      );
      expect(resolved).toMatchObject({ data: { resolvedOnTime: true } });
    });

    it('is late when resolved after the deadline', () => {
      const grievanceId = randomUUID();
      const [resolved] = decide(
        resolve(grievanceId),
        foldSubject([grievanceLodged(grievanceId)]),
        aContext({ occurredAt: '2026-04-01T08:00:00.001Z' }),
      );
      expect(resolved).toMatchObject({ data: { resolvedOnTime: false, dueAt: '2026-04-01T08:00:00.000Z' } });
    });

    it('accepts a resolution at the very moment of receipt', () => {
      const grievanceId = randomUUID();
      const [resolved] = decide(
        resolve(grievanceId, 'withdrawn'),
        foldSubject([grievanceLodged(grievanceId)]),
        aContext({ occurredAt: '2026-03-01T08:00:00.000Z' }),
      );
      expect(resolved).toMatchObject({
        type: 'grievance-resolved',
        data: { outcome: 'withdrawn', resolvedAt: '2026-03-01T08:00:00.000Z' },
      });
    });

    it('refuses a resolution before the grievance was received, naming resolvedAt', () => {
      const grievanceId = randomUUID();
      const error = given([grievanceLodged(grievanceId)])
        .when(resolve(grievanceId), aContext({ occurredAt: '2026-03-01T07:59:59.999Z' }))
        .thenThrows('validation-failed', 400);
      expect(error.errors?.map((e) => e.field)).toEqual(['resolvedAt']);
    });

    it('answers not-found, naming grievanceId, for a grievance the subject never had', () => {
      const error = given([grievanceLodged(randomUUID())])
        .when(resolve(randomUUID()))
        .thenThrows('not-found', 404);
      expect(error.errors?.map((e) => e.field)).toEqual(['grievanceId']);
    });

    it('answers not-found for a subject the ledger does not know', () => {
      given([]).when(resolve(randomUUID())).thenThrows('not-found', 404);
    });

    it.each<GrievanceOutcome>(['rejected', 'upheld'])(
      'refuses a second resolution, even with the same outcome (%s): a resolution is final',
      (outcome) => {
        const grievanceId = randomUUID();
        const error = given([grievanceLodged(grievanceId), grievanceResolved(grievanceId)])
          .when(resolve(grievanceId, outcome))
          .thenThrows('grievance-already-resolved', 409);
        expect(error.detail).toContain('rejected');
        expect(error.detail).toContain('2026-03-05T08:00:00.000Z');
      },
    );

    it('resolves a grievance lodged before the subject was erased (a resolution holds no personal data)', () => {
      const grievanceId = randomUUID();
      const [resolved] = decide(resolve(grievanceId), foldSubject([grievanceLodged(grievanceId), ...completedErasure()]), aContext());
      expect(resolved).toMatchObject({ type: 'grievance-resolved', data: { grievanceId } });
    });

    it('resolves one grievance and leaves the others open', () => {
      const [first, second] = [randomUUID(), randomUUID()];
      const state = foldSubject([
        grievanceLodged(first),
        grievanceLodged(second, { receivedAt: '2026-03-02T00:00:00.000Z', dueAt: '2026-04-02T00:00:00.000Z' }),
      ]);
      const [resolved] = decide(resolve(first), state, aContext());
      const after = evolve(state, resolved!);
      expect(Object.keys(after.grievances.open)).toEqual([second]);
      expect(Object.keys(after.grievances.resolved)).toEqual([first]);
      expect(decide(resolve(second), after, aContext())).toHaveLength(1);
    });
  });

  describe('evolve', () => {
    it('folds lodged grievances as open, with receipt and deadline, and resolved ones with outcome and time', () => {
      const [open, done] = [randomUUID(), randomUUID()];
      const state = foldSubject([grievanceLodged(open), grievanceLodged(done), grievanceResolved(done)]);
      expect(state.known).toBe(true);
      expect(state.grievances).toEqual({
        open: { [open]: { receivedAt: '2026-03-01T08:00:00.000Z', dueAt: '2026-04-01T08:00:00.000Z' } },
        resolved: { [done]: { outcome: 'rejected', resolvedAt: '2026-03-05T08:00:00.000Z' } },
      });
    });

    it('ignores a resolution of a grievance that is not open, and never mutates the state it is given', () => {
      const grievanceId = randomUUID();
      const before = foldSubject([grievanceLodged(grievanceId)]);
      const snapshot = structuredClone(before);
      const stray = evolve(before, grievanceResolved(randomUUID()));
      expect(stray.grievances).toEqual(before.grievances);
      const after = evolve(before, grievanceResolved(grievanceId));
      expect(before).toEqual(snapshot);
      expect(after.grievances.open).toEqual({});
    });

    it('leaves purposes and erasure as they were', () => {
      const history = completedErasure();
      const before = foldSubject(history);
      const after = foldSubject([...history, grievanceLodged(randomUUID())]);
      expect(after.erasure).toEqual(before.erasure);
      expect(after.purposes).toEqual(before.purposes);
    });
  });
});
