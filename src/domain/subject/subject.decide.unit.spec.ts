import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { LegalBasis, PurposeId } from '../catalogue.js';
import { type ErrorCode, LedgerError } from '../ledger-error.js';
import type { DecisionContext, RecordTransfer, SubjectCommand } from './subject.commands.js';
import { decide } from './subject.decide.js';
import { personalFieldList } from './subject.personal-fields.js';
import type {
  ConsentGiven,
  ConsentWithdrawn,
  DataTransferred,
  DeletionCompleted,
  DeletionRequested,
  SubjectDataShredded,
  SubjectEvent,
} from './subject.events.js';
import { evolve, foldSubject, initialSubjectState, type SubjectState } from './subject.state.js';

// ---------------------------------------------------------------------------------------
// given / when / then over the pure decider. Every builder returns a fresh value and every
// id is a fresh random one, so no test can lean on another's data.
// ---------------------------------------------------------------------------------------

const SYSTEMS = ['crm', 'call-recordings', 'analytics', 'backups'] as const;

/** A distinct, ordered instant per call site: minute `n` of a fixed day. */
const at = (minute: number): string => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

const aContext = (overrides: Partial<DecisionContext> = {}): DecisionContext => ({
  occurredAt: at(50),
  recordedAt: at(55),
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
        thenNothing: (): void => {
          expect(decided()).toEqual([]);
        },
        /** Asserts the refusal and hands the error back for further checks. */
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

// Event builders ------------------------------------------------------------------------

const consentGiven = (
  purposes: readonly PurposeId[],
  { policyVersion = 'v1', occurredAt = at(1) }: { policyVersion?: string; occurredAt?: string } = {},
): ConsentGiven => ({
  type: 'consent-given',
  occurredAt,
  data: { purposes, policyVersion, channel: 'web' },
});

const consentWithdrawn = (purposes: readonly PurposeId[], occurredAt = at(2)): ConsentWithdrawn => ({
  type: 'consent-withdrawn',
  occurredAt,
  data: { purposes },
});

const deletionRequested = (
  deletionId: string,
  { systems = [...SYSTEMS], occurredAt = at(3) }: { systems?: readonly string[]; occurredAt?: string } = {},
): DeletionRequested => ({
  type: 'deletion-requested',
  occurredAt,
  data: {
    deletionId,
    requestedAt: occurredAt,
    dueAt: new Date(Date.parse(occurredAt) + 30 * 24 * 60 * 60 * 1000).toISOString(),
    systems,
    trigger: 'subject-request',
  },
});

const deletionCompleted = (
  deletionId: string,
  system: string,
  remainingSystems: readonly string[],
  occurredAt = at(4),
): DeletionCompleted => ({
  type: 'deletion-completed',
  occurredAt,
  data: { deletionId, system, completedAt: occurredAt, remainingSystems },
});

/** An erasure opened for `systems` and confirmed by each of them, in order. */
const completedErasure = (deletionId: string, systems: readonly string[] = [...SYSTEMS]): SubjectEvent[] => [
  deletionRequested(deletionId, { systems }),
  ...systems.map((system, index) => deletionCompleted(deletionId, system, systems.slice(index + 1), at(10 + index))),
];

const dataTransferred = (purpose: PurposeId, legalBasis: LegalBasis, occurredAt = at(5)): DataTransferred => ({
  type: 'data-transferred',
  occurredAt,
  data: {
    transferId: randomUUID(),
    recipient: { id: randomUUID(), name: 'Cloud Host', kind: 'cloud-host' },
    country: 'SG',
    dataCategories: ['pii.name'],
    purpose,
    legalBasis,
  },
});

const aTransfer = (overrides: Partial<RecordTransfer> = {}): RecordTransfer => ({
  type: 'record-transfer',
  recipient: { id: randomUUID(), name: 'Acme CRM Processor', kind: 'processor' },
  country: 'IN',
  dataCategories: ['pii.name', 'pii.email-address'],
  purpose: 'crm-access',
  legalBasis: 'consent',
  ...overrides,
});

// ---------------------------------------------------------------------------------------

describe('subject decider', () => {
  describe('give-consent', () => {
    describe('when the subject is new', () => {
      it('records one consent-given with every purpose, the policy version and the channel', () => {
        const context = aContext();
        given([])
          .when({ type: 'give-consent', purposes: ['crm-access', 'call-analytics'], policyVersion: 'v1', channel: 'web' }, context)
          .then([
            {
              type: 'consent-given',
              occurredAt: context.occurredAt,
              data: { purposes: ['crm-access', 'call-analytics'], policyVersion: 'v1', channel: 'web' },
            },
          ]);
      });

      it('de-duplicates purposes named twice in the command', () => {
        const context = aContext();
        given([])
          .when(
            {
              type: 'give-consent',
              purposes: ['crm-access', 'usage-analytics', 'crm-access', 'usage-analytics'],
              policyVersion: 'v1',
              channel: 'api',
            },
            context,
          )
          .then([
            {
              type: 'consent-given',
              occurredAt: context.occurredAt,
              data: { purposes: ['crm-access', 'usage-analytics'], policyVersion: 'v1', channel: 'api' },
            },
          ]);
      });

      it('carries the subject type and the evidence', () => {
        const context = aContext();
        const evidence = { ipAddress: '203.0.113.7', userAgent: `agent-${randomUUID()}`, contact: 'pop-up #3' };
        given([])
          .when(
            {
              type: 'give-consent',
              purposes: ['service-access'],
              policyVersion: 'v2',
              channel: 'pop-up',
              subjectType: 'end-user',
              evidence,
            },
            context,
          )
          .then([
            {
              type: 'consent-given',
              occurredAt: context.occurredAt,
              data: {
                purposes: ['service-access'],
                policyVersion: 'v2',
                channel: 'pop-up',
                subjectType: 'end-user',
                evidence,
              },
            },
          ]);
      });
    });

    describe('when some purposes are already granted under the same policy version', () => {
      it('records only the purposes that change', () => {
        const context = aContext();
        given([consentGiven(['crm-access', 'call-analytics'])])
          .when(
            {
              type: 'give-consent',
              purposes: ['crm-access', 'marketing-communications', 'call-analytics'],
              policyVersion: 'v1',
              channel: 'web',
            },
            context,
          )
          .then([
            {
              type: 'consent-given',
              occurredAt: context.occurredAt,
              data: { purposes: ['marketing-communications'], policyVersion: 'v1', channel: 'web' },
            },
          ]);
      });

      it('changes nothing when every purpose is already granted under that version', () => {
        given([consentGiven(['crm-access', 'call-analytics'])])
          .when({ type: 'give-consent', purposes: ['call-analytics', 'crm-access'], policyVersion: 'v1', channel: 'web' })
          .thenNothing();
      });
    });

    describe('when a purpose was granted under an older policy version', () => {
      it('records a re-consent under the new version', () => {
        const context = aContext();
        given([consentGiven(['crm-access', 'call-analytics'], { policyVersion: 'v1' })])
          .when({ type: 'give-consent', purposes: ['crm-access'], policyVersion: 'v2', channel: 'email' }, context)
          .then([
            {
              type: 'consent-given',
              occurredAt: context.occurredAt,
              data: { purposes: ['crm-access'], policyVersion: 'v2', channel: 'email' },
            },
          ]);
      });
    });

    describe('when consent was withdrawn', () => {
      it('records consent given again under the same version', () => {
        const context = aContext();
        given([consentGiven(['crm-access', 'call-analytics']), consentWithdrawn(['crm-access'])])
          .when({ type: 'give-consent', purposes: ['crm-access'], policyVersion: 'v1', channel: 'web' }, context)
          .then([
            {
              type: 'consent-given',
              occurredAt: context.occurredAt,
              data: { purposes: ['crm-access'], policyVersion: 'v1', channel: 'web' },
            },
          ]);
      });
    });

    describe('while an erasure is open', () => {
      it('refuses with erasure-in-progress', () => {
        const deletionId = randomUUID();
        const error = given([consentGiven(['crm-access']), deletionRequested(deletionId)])
          .when({ type: 'give-consent', purposes: ['usage-analytics'], policyVersion: 'v1', channel: 'web' })
          .thenThrows('erasure-in-progress', 409);
        expect(error.detail).toContain(deletionId);
      });
    });

    describe('after an erasure completed', () => {
      it('refuses with subject-erased', () => {
        given([consentGiven(['crm-access']), ...completedErasure(randomUUID())])
          .when({ type: 'give-consent', purposes: ['crm-access'], policyVersion: 'v2', channel: 'web' })
          .thenThrows('subject-erased', 409);
      });
    });
  });

  describe('withdraw-consent', () => {
    describe('when the purposes are granted', () => {
      it('records consent-withdrawn for the named purposes, with channel and reason', () => {
        const context = aContext();
        const reason = `reason-${randomUUID()}`;
        given([consentGiven(['crm-access', 'call-analytics', 'usage-analytics'])])
          .when({ type: 'withdraw-consent', purposes: ['crm-access', 'call-analytics'], channel: 'email', reason }, context)
          .then([
            {
              type: 'consent-withdrawn',
              occurredAt: context.occurredAt,
              data: { purposes: ['crm-access', 'call-analytics'], channel: 'email', reason },
            },
          ]);
      });

      it('opens no erasure while some purpose stays granted', () => {
        const events = given([consentGiven(['crm-access', 'usage-analytics'])]);
        const context = aContext();
        events
          .when({ type: 'withdraw-consent', purposes: ['crm-access'] }, context)
          .then([{ type: 'consent-withdrawn', occurredAt: context.occurredAt, data: { purposes: ['crm-access'] } }]);
      });

      it('de-duplicates purposes named twice in the command', () => {
        const context = aContext();
        given([consentGiven(['crm-access', 'usage-analytics'])])
          .when({ type: 'withdraw-consent', purposes: ['crm-access', 'crm-access'] }, context)
          .then([{ type: 'consent-withdrawn', occurredAt: context.occurredAt, data: { purposes: ['crm-access'] } }]);
      });
    });

    describe('when a named purpose is not granted', () => {
      it('refuses with consent-not-active, naming only the purposes not granted', () => {
        const error = given([consentGiven(['crm-access'])])
          .when({ type: 'withdraw-consent', purposes: ['crm-access', 'marketing-communications'] })
          .thenThrows('consent-not-active', 409);
        expect(error.errors).toEqual([{ field: 'purposes', message: 'marketing-communications is not granted' }]);
        expect(error.detail).toContain('marketing-communications');
        expect(error.detail).not.toContain('crm-access');
      });

      it('refuses a purpose that was already withdrawn', () => {
        const error = given([consentGiven(['crm-access', 'usage-analytics']), consentWithdrawn(['crm-access'])])
          .when({ type: 'withdraw-consent', purposes: ['crm-access'] })
          .thenThrows('consent-not-active', 409);
        expect(error.errors).toEqual([{ field: 'purposes', message: 'crm-access is not granted' }]);
      });
    });

    describe('when nothing is granted', () => {
      it('refuses a withdrawal of every purpose with consent-not-active', () => {
        given([]).when({ type: 'withdraw-consent' }).thenThrows('consent-not-active', 409);
      });

      it('refuses a withdrawal of every purpose once all were withdrawn', () => {
        given([consentGiven(['crm-access']), consentWithdrawn(['crm-access'])])
          .when({ type: 'withdraw-consent' })
          .thenThrows('consent-not-active', 409);
      });

      it('refuses a named purpose with consent-not-active, naming it', () => {
        const error = given([])
          .when({ type: 'withdraw-consent', purposes: ['call-analytics'] })
          .thenThrows('consent-not-active', 409);
        expect(error.errors).toEqual([{ field: 'purposes', message: 'call-analytics is not granted' }]);
      });
    });

    describe('when the last granted purposes are withdrawn', () => {
      it('withdraws every granted purpose when none are named, and opens an erasure', () => {
        const context = aContext();
        given([consentGiven(['crm-access', 'call-analytics']), consentGiven(['usage-analytics']), consentWithdrawn(['call-analytics'])])
          .when({ type: 'withdraw-consent' }, context)
          .then([
            {
              type: 'consent-withdrawn',
              occurredAt: context.occurredAt,
              data: { purposes: ['crm-access', 'usage-analytics'] },
            },
            {
              type: 'deletion-requested',
              occurredAt: context.occurredAt,
              data: {
                deletionId: context.newId,
                requestedAt: context.occurredAt,
                dueAt: '2026-03-31T10:50:00.000Z',
                systems: [...SYSTEMS],
                trigger: 'all-consent-withdrawn',
              },
            },
          ]);
      });

      it('opens an erasure due after the configured days, for the configured systems', () => {
        const deletionId = randomUUID();
        const context = aContext({
          occurredAt: '2026-05-10T08:15:00.000Z',
          newId: deletionId,
          erasureDays: 7,
          erasureSystems: ['crm', 'warehouse'],
        });
        given([consentGiven(['crm-access', 'call-analytics'])])
          .when({ type: 'withdraw-consent', purposes: ['call-analytics', 'crm-access'], reason: 'moving on' }, context)
          .then([
            {
              type: 'consent-withdrawn',
              occurredAt: '2026-05-10T08:15:00.000Z',
              data: { purposes: ['call-analytics', 'crm-access'], reason: 'moving on' },
            },
            {
              type: 'deletion-requested',
              occurredAt: '2026-05-10T08:15:00.000Z',
              data: {
                deletionId,
                requestedAt: '2026-05-10T08:15:00.000Z',
                dueAt: '2026-05-17T08:15:00.000Z',
                systems: ['crm', 'warehouse'],
                trigger: 'all-consent-withdrawn',
              },
            },
          ]);
      });

      it('opens no second erasure while one is already open', () => {
        const context = aContext();
        given([consentGiven(['crm-access']), deletionRequested(randomUUID())])
          .when({ type: 'withdraw-consent' }, context)
          .then([{ type: 'consent-withdrawn', occurredAt: context.occurredAt, data: { purposes: ['crm-access'] } }]);
      });
    });

    describe('after an erasure completed', () => {
      it('refuses with subject-erased', () => {
        given([consentGiven(['crm-access']), ...completedErasure(randomUUID())])
          .when({ type: 'withdraw-consent', purposes: ['crm-access'] })
          .thenThrows('subject-erased', 409);
      });
    });
  });

  describe('record-transfer', () => {
    describe('when the purpose is granted', () => {
      it('accepts a consent-based transfer with a new transfer id and de-duplicated categories', () => {
        const context = aContext();
        const transfer = aTransfer({
          dataCategories: ['pii.name', 'pii.phone-number', 'pii.name', 'npii.ip-address', 'pii.phone-number'],
          reference: `job-${randomUUID()}`,
        });
        given([consentGiven(['crm-access'])])
          .when(transfer, context)
          .then([
            {
              type: 'data-transferred',
              occurredAt: context.occurredAt,
              data: {
                transferId: context.newId,
                recipient: transfer.recipient,
                country: 'IN',
                dataCategories: ['pii.name', 'pii.phone-number', 'npii.ip-address'],
                purpose: 'crm-access',
                legalBasis: 'consent',
                reference: transfer.reference,
              },
            },
          ]);
      });
    });

    describe('when the purpose was never granted', () => {
      it('refuses a consent-based transfer with consent-not-active', () => {
        const error = given([consentGiven(['usage-analytics'])])
          .when(aTransfer({ purpose: 'crm-access', legalBasis: 'consent' }))
          .thenThrows('consent-not-active', 409);
        expect(error.errors).toEqual([{ field: 'purpose', message: 'crm-access is not granted' }]);
      });
    });

    describe('when consent was withdrawn', () => {
      it('refuses a consent-based transfer', () => {
        given([consentGiven(['crm-access', 'usage-analytics']), consentWithdrawn(['crm-access'])])
          .when(aTransfer({ purpose: 'crm-access', legalBasis: 'consent' }))
          .thenThrows('consent-not-active', 409);
      });
    });

    describe.each<LegalBasis>(['contract', 'legal-obligation', 'legitimate-use'])('when the legal basis is %s', (legalBasis) => {
      it('accepts the transfer without any consent', () => {
        const context = aContext();
        const transfer = aTransfer({ legalBasis, purpose: 'account-registration', country: 'SG' });
        given([])
          .when(transfer, context)
          .then([
            {
              type: 'data-transferred',
              occurredAt: context.occurredAt,
              data: {
                transferId: context.newId,
                recipient: transfer.recipient,
                country: 'SG',
                dataCategories: ['pii.name', 'pii.email-address'],
                purpose: 'account-registration',
                legalBasis,
              },
            },
          ]);
      });
    });

    describe('while an erasure is open', () => {
      it('still accepts a transfer that does not rely on consent', () => {
        const context = aContext();
        const transfer = aTransfer({ legalBasis: 'legal-obligation', purpose: 'policy-notifications' });
        given([consentGiven(['crm-access']), consentWithdrawn(['crm-access']), deletionRequested(randomUUID())])
          .when(transfer, context)
          .then([
            {
              type: 'data-transferred',
              occurredAt: context.occurredAt,
              data: {
                transferId: context.newId,
                recipient: transfer.recipient,
                country: 'IN',
                dataCategories: ['pii.name', 'pii.email-address'],
                purpose: 'policy-notifications',
                legalBasis: 'legal-obligation',
              },
            },
          ]);
      });
    });

    describe('after an erasure completed', () => {
      it.each<LegalBasis>(['consent', 'contract', 'legal-obligation', 'legitimate-use'])(
        'refuses a %s transfer with subject-erased',
        (legalBasis) => {
          given([consentGiven(['crm-access']), ...completedErasure(randomUUID())])
            .when(aTransfer({ legalBasis, purpose: 'crm-access' }))
            .thenThrows('subject-erased', 409);
        },
      );
    });
  });

  describe('request-erasure', () => {
    describe('when no erasure is open', () => {
      it('opens one on subject request, carrying the reason', () => {
        const context = aContext({ erasureDays: 10 });
        const reason = `reason-${randomUUID()}`;
        given([consentGiven(['crm-access'])])
          .when({ type: 'request-erasure', reason }, context)
          .then([
            {
              type: 'deletion-requested',
              occurredAt: context.occurredAt,
              data: {
                deletionId: context.newId,
                requestedAt: context.occurredAt,
                dueAt: '2026-03-11T10:50:00.000Z',
                systems: [...SYSTEMS],
                trigger: 'subject-request',
                reason,
              },
            },
          ]);
      });

      it('opens one for a subject with no history, with no reason when none is given', () => {
        const context = aContext();
        given([])
          .when({ type: 'request-erasure' }, context)
          .then([
            {
              type: 'deletion-requested',
              occurredAt: context.occurredAt,
              data: {
                deletionId: context.newId,
                requestedAt: context.occurredAt,
                dueAt: '2026-03-31T10:50:00.000Z',
                systems: [...SYSTEMS],
                trigger: 'subject-request',
              },
            },
          ]);
      });
    });

    describe('while an erasure is open', () => {
      it('refuses a second one with erasure-already-open', () => {
        const deletionId = randomUUID();
        const error = given([deletionRequested(deletionId)])
          .when({ type: 'request-erasure' })
          .thenThrows('erasure-already-open', 409);
        expect(error.detail).toContain(deletionId);
      });
    });

    describe('after an erasure completed', () => {
      it('refuses with subject-erased', () => {
        given(completedErasure(randomUUID())).when({ type: 'request-erasure' }).thenThrows('subject-erased', 409);
      });
    });
  });

  describe('confirm-erasure', () => {
    describe('when the system is not a configured one', () => {
      it('refuses with unknown-system while an erasure is open', () => {
        const error = given([deletionRequested(randomUUID())])
          .when({ type: 'confirm-erasure', system: 'mainframe' })
          .thenThrows('unknown-system', 422);
        expect(error.errors).toEqual([{ field: 'system', message: `must be one of ${SYSTEMS.join(', ')}` }]);
      });

      it('refuses with unknown-system when no erasure is open', () => {
        given([]).when({ type: 'confirm-erasure', system: 'mainframe' }).thenThrows('unknown-system', 422);
      });
    });

    describe('when the system was configured after the erasure opened', () => {
      it('refuses with unknown-system, since the erasure never listed it', () => {
        given([deletionRequested(randomUUID(), { systems: ['crm', 'backups'] })])
          .when({ type: 'confirm-erasure', system: 'analytics' })
          .thenThrows('unknown-system', 422);
      });
    });

    describe('when the system was removed from configuration after the erasure opened', () => {
      it('still accepts its confirmation, since the erasure lists it', () => {
        const deletionId = randomUUID();
        const context = aContext({ erasureSystems: ['crm'] });
        given([deletionRequested(deletionId, { systems: ['crm', 'legacy-db'] })])
          .when({ type: 'confirm-erasure', system: 'legacy-db' }, context)
          .then([
            {
              type: 'deletion-completed',
              occurredAt: context.occurredAt,
              data: { deletionId, system: 'legacy-db', completedAt: context.occurredAt, remainingSystems: ['crm'] },
            },
          ]);
      });
    });

    describe('when no erasure was ever opened', () => {
      it('refuses a configured system with no-open-erasure', () => {
        given([consentGiven(['crm-access'])])
          .when({ type: 'confirm-erasure', system: 'crm' })
          .thenThrows('no-open-erasure', 409);
      });
    });

    describe('while an erasure is open', () => {
      it('records one deletion-completed per system, the remaining systems shrinking, carrying evidence', () => {
        const deletionId = randomUUID();
        let state: SubjectState = foldSubject([consentGiven(['crm-access']), deletionRequested(deletionId)]);
        const order = ['analytics', 'crm', 'backups', 'call-recordings'];
        const remaining: string[][] = [];
        for (const [index, system] of order.entries()) {
          const context = aContext({ occurredAt: at(20 + index) });
          const evidence = `ticket-${randomUUID()}`;
          const events = decide({ type: 'confirm-erasure', system, evidence }, state, context);
          expect(events[0]).toEqual({
            type: 'deletion-completed',
            occurredAt: context.occurredAt,
            data: {
              deletionId,
              system,
              completedAt: context.occurredAt,
              remainingSystems: expect.any(Array),
              evidence,
            },
          });
          // Only the last confirmation shreds the subject's personal data.
          expect(events.map((event) => event.type)).toEqual(
            index === order.length - 1 ? ['deletion-completed', 'subject-data-shredded'] : ['deletion-completed'],
          );
          for (const event of events) {
            if (event.type === 'deletion-completed') remaining.push([...event.data.remainingSystems]);
            state = evolve(state, event);
          }
        }
        expect(remaining).toEqual([['crm', 'call-recordings', 'backups'], ['call-recordings', 'backups'], ['call-recordings'], []]);
        expect(state.erasure).toEqual({
          state: 'completed',
          deletionId,
          requestedAt: at(3),
          dueAt: '2026-03-31T10:03:00.000Z',
          completedAt: at(23),
          systems: [...SYSTEMS],
        });
      });

      it('changes nothing when a system confirms twice', () => {
        const deletionId = randomUUID();
        given([deletionRequested(deletionId), deletionCompleted(deletionId, 'crm', ['call-recordings', 'analytics', 'backups'])])
          .when({ type: 'confirm-erasure', system: 'crm' })
          .thenNothing();
      });

      it('completes the erasure when the last system confirms', () => {
        const deletionId = randomUUID();
        const history = [
          deletionRequested(deletionId, { systems: ['crm', 'backups'] }),
          deletionCompleted(deletionId, 'backups', ['crm'], at(6)),
        ];
        const context = aContext({ occurredAt: at(40), recordedAt: at(45) });
        const last: DeletionCompleted = {
          type: 'deletion-completed',
          occurredAt: at(40),
          data: { deletionId, system: 'crm', completedAt: at(40), remainingSystems: [] },
        };
        const shredded: SubjectDataShredded = {
          type: 'subject-data-shredded',
          occurredAt: at(40),
          data: { deletionId, shreddedAt: at(45), fields: personalFieldList() },
        };
        given(history).when({ type: 'confirm-erasure', system: 'crm' }, context).then([last, shredded]);
        expect(foldSubject([...history, last, shredded]).erasure).toMatchObject({ state: 'completed', deletionId, completedAt: at(40) });
      });

      it('shreds the personal data in the same decision, naming every personal field and when the ledger recorded it', () => {
        const deletionId = randomUUID();
        // The caller's occurredAt says when the system finished; the key goes when the ledger records it.
        const context = aContext({ occurredAt: at(30), recordedAt: at(59) });
        given([deletionRequested(deletionId, { systems: ['backups'] })])
          .when({ type: 'confirm-erasure', system: 'backups', evidence: 'purge job 7' }, context)
          .then([
            {
              type: 'deletion-completed',
              occurredAt: at(30),
              data: { deletionId, system: 'backups', completedAt: at(30), remainingSystems: [], evidence: 'purge job 7' },
            },
            // No personal data in the shredding event itself: ids, times and field names only.
            { type: 'subject-data-shredded', occurredAt: at(30), data: { deletionId, shreddedAt: at(59), fields: personalFieldList() } },
          ]);
        expect(personalFieldList()).toEqual(
          expect.arrayContaining(['consent-given/evidence.contact', 'consent-given/evidence.ipAddress', 'data-transferred/reference']),
        );
      });

      it('does not shred while some system has still to confirm', () => {
        const deletionId = randomUUID();
        const context = aContext();
        given([deletionRequested(deletionId, { systems: ['crm', 'backups'] })])
          .when({ type: 'confirm-erasure', system: 'crm' }, context)
          .then([
            {
              type: 'deletion-completed',
              occurredAt: context.occurredAt,
              data: { deletionId, system: 'crm', completedAt: context.occurredAt, remainingSystems: ['backups'] },
            },
          ]);
      });
    });

    describe('after an erasure completed', () => {
      it.each([...SYSTEMS])('changes nothing when %s confirms again', (system) => {
        given(completedErasure(randomUUID())).when({ type: 'confirm-erasure', system }).thenNothing();
      });
    });
  });

  describe('confirm-erasure for a named erasure (a confirmation token names one)', () => {
    it('confirms when it is the open erasure', () => {
      const deletionId = randomUUID();
      const context = aContext();
      given([deletionRequested(deletionId)])
        .when({ type: 'confirm-erasure', system: 'crm', deletionId }, context)
        .then([
          {
            type: 'deletion-completed',
            occurredAt: context.occurredAt,
            data: {
              deletionId,
              system: 'crm',
              completedAt: context.occurredAt,
              remainingSystems: ['call-recordings', 'analytics', 'backups'],
            },
          },
        ]);
    });

    it('refuses with no-open-erasure when another erasure is the current one, or none was opened', () => {
      given([deletionRequested(randomUUID())])
        .when({ type: 'confirm-erasure', system: 'crm', deletionId: randomUUID() })
        .thenThrows('no-open-erasure', 409);
      given([consentGiven(['crm-access'])])
        .when({ type: 'confirm-erasure', system: 'crm', deletionId: randomUUID() })
        .thenThrows('no-open-erasure', 409);
    });

    it('changes nothing for a system that already confirmed the named erasure, also after it completed', () => {
      const deletionId = randomUUID();
      given(completedErasure(deletionId)).when({ type: 'confirm-erasure', system: 'crm', deletionId }).thenNothing();
    });
  });

  describe('record-erasure-task-delivery', () => {
    const delivery = (deletionId: string, system = 'crm') => ({
      type: 'record-erasure-task-delivery' as const,
      deletionId,
      system,
      deliveredAt: at(20),
      subscriptionId: 'sub-1',
    });

    it('records erasure-task-delivered for a system of the open erasure, at the delivery time', () => {
      const deletionId = randomUUID();
      given([deletionRequested(deletionId)])
        .when(delivery(deletionId, 'analytics'))
        .then([
          {
            type: 'erasure-task-delivered',
            occurredAt: at(20),
            data: { deletionId, system: 'analytics', deliveredAt: at(20), subscriptionId: 'sub-1' },
          },
        ]);
    });

    it('records a late delivery after the erasure completed', () => {
      const deletionId = randomUUID();
      expect(decide(delivery(deletionId), foldSubject(completedErasure(deletionId)), aContext())).toHaveLength(1);
    });

    it('refuses another erasure (no-open-erasure) and a system the erasure does not list (unknown-system)', () => {
      given([deletionRequested(randomUUID())])
        .when(delivery(randomUUID()))
        .thenThrows('no-open-erasure', 409);
      given([]).when(delivery(randomUUID())).thenThrows('no-open-erasure', 409);
      const deletionId = randomUUID();
      given([deletionRequested(deletionId, { systems: ['crm'] })])
        .when(delivery(deletionId, 'backups'))
        .thenThrows('unknown-system', 422);
    });

    it('leaves the subject state as it was, but for knowing the subject', () => {
      const deletionId = randomUUID();
      const before = foldSubject([deletionRequested(deletionId)]);
      const [event] = decide(delivery(deletionId), before, aContext());
      expect(evolve(before, event!)).toEqual(before);
    });
  });

  describe('evolve', () => {
    it('starts from an unknown subject with no purposes and no erasure', () => {
      expect(initialSubjectState()).toEqual({
        known: false,
        purposes: {},
        erasure: { state: 'none' },
        grievances: { open: {}, resolved: {} },
        recipients: { transfers: [], notifications: {} },
      });
      expect(foldSubject([])).toEqual(initialSubjectState());
    });

    it('folds consent into a purposes map of status, policy version and since', () => {
      const state = foldSubject([
        consentGiven(['crm-access', 'call-analytics'], { policyVersion: 'v1', occurredAt: at(1) }),
        consentGiven(['usage-analytics'], { policyVersion: 'v1', occurredAt: at(2) }),
        consentGiven(['crm-access'], { policyVersion: 'v2', occurredAt: at(3) }),
        consentWithdrawn(['call-analytics'], at(4)),
        dataTransferred('crm-access', 'consent', at(5)),
      ]);
      expect(state).toEqual({
        known: true,
        purposes: {
          'crm-access': { status: 'granted', policyVersion: 'v2', since: at(3) },
          'call-analytics': { status: 'withdrawn', policyVersion: 'v1', since: at(4) },
          'usage-analytics': { status: 'granted', policyVersion: 'v1', since: at(2) },
        },
        erasure: { state: 'none' },
        grievances: { open: {}, resolved: {} },
        // Kept for the notice rule: who holds what, under which purpose and basis.
        recipients: {
          transfers: [expect.objectContaining({ purpose: 'crm-access', legalBasis: 'consent', dataCategories: expect.any(Array) })],
          notifications: {},
        },
      });
    });

    it('marks a subject known from a transfer alone', () => {
      expect(foldSubject([dataTransferred('account-registration', 'contract')])).toEqual({
        known: true,
        purposes: {},
        erasure: { state: 'none' },
        grievances: { open: {}, resolved: {} },
        recipients: {
          transfers: [expect.objectContaining({ purpose: 'account-registration', legalBasis: 'contract' })],
          notifications: {},
        },
      });
    });

    it('folds an open erasure with the systems confirmed so far', () => {
      const deletionId = randomUUID();
      const requested = deletionRequested(deletionId, { occurredAt: at(3) });
      const state = foldSubject([
        requested,
        deletionCompleted(deletionId, 'crm', ['call-recordings', 'analytics', 'backups'], at(4)),
        deletionCompleted(deletionId, 'backups', ['call-recordings', 'analytics'], at(5)),
      ]);
      expect(state.erasure).toEqual({
        state: 'open',
        deletionId,
        requestedAt: at(3),
        dueAt: requested.data.dueAt,
        systems: [...SYSTEMS],
        confirmed: ['crm', 'backups'],
      });
    });

    it('folds a completed erasure with its completion time', () => {
      const deletionId = randomUUID();
      const state = foldSubject(completedErasure(deletionId, ['crm', 'backups']));
      expect(state.erasure).toEqual({
        state: 'completed',
        deletionId,
        requestedAt: at(3),
        dueAt: '2026-03-31T10:03:00.000Z',
        completedAt: at(11),
        systems: ['crm', 'backups'],
      });
    });

    it('changes nothing but known for a shredding: the erasure stays completed, consents as they were', () => {
      const deletionId = randomUUID();
      const before = foldSubject([consentGiven(['crm-access']), ...completedErasure(deletionId, ['crm'])]);
      const shredded: SubjectDataShredded = {
        type: 'subject-data-shredded',
        occurredAt: at(20),
        data: { deletionId, shreddedAt: at(21), fields: personalFieldList() },
      };
      expect(evolve(before, shredded)).toEqual(before);
      expect(evolve(initialSubjectState(), shredded)).toEqual({ ...initialSubjectState(), known: true });
    });

    it('ignores a completion for an erasure other than the open one', () => {
      const deletionId = randomUUID();
      const before = foldSubject([deletionRequested(deletionId)]);
      const after = evolve(before, deletionCompleted(randomUUID(), 'crm', []));
      expect(after.erasure).toEqual(before.erasure);
    });

    it('never mutates the state it is given', () => {
      const deletionId = randomUUID();
      const history: SubjectEvent[] = [
        consentGiven(['crm-access', 'call-analytics']),
        consentGiven(['crm-access'], { policyVersion: 'v2', occurredAt: at(3) }),
        consentWithdrawn(['call-analytics']),
        dataTransferred('crm-access', 'consent'),
        consentWithdrawn(['crm-access'], at(6)),
        deletionRequested(deletionId, { systems: ['crm', 'backups'], occurredAt: at(7) }),
        deletionCompleted(deletionId, 'crm', ['backups'], at(8)),
        deletionCompleted(deletionId, 'backups', [], at(9)),
      ];
      let state = initialSubjectState();
      for (const event of history) {
        const previous = state;
        const snapshot = structuredClone(previous);
        const next = evolve(previous, event);
        expect(previous).toEqual(snapshot);
        expect(next).not.toBe(previous);
        state = next;
      }
      expect(state.erasure.state).toBe('completed');
    });
  });
});
