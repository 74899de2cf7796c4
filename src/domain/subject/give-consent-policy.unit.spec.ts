import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { LedgerError } from '../ledger-error.js';
import type { DecisionContext, GiveConsent } from './subject.commands.js';
import { decide } from './subject.decide.js';
import type { SubjectEvent } from './subject.events.js';
import { foldSubject } from './subject.state.js';

// give-consent against the tenant's published policy versions (domain.md rule 1). The
// versions come in the context, read from the policy stream by the write path.

const context = (publishedPolicyVersions?: readonly string[] | null): DecisionContext => ({
  occurredAt: '2026-04-01T10:00:00.000Z',
  recordedAt: '2026-04-01T10:00:00.000Z',
  newId: randomUUID(),
  erasureDays: 30,
  erasureSystems: ['crm'],
  ...(publishedPolicyVersions !== undefined && { publishedPolicyVersions }),
});

const giveConsent = (policyVersion: string): GiveConsent => ({
  type: 'give-consent',
  purposes: ['crm-access'],
  policyVersion,
  channel: 'web',
});

const refusal = (run: () => unknown): LedgerError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerError);
    return error as LedgerError;
  }
  throw new Error('expected a refusal');
};

describe('give-consent and published policy versions', () => {
  describe('when the tenant has published no version', () => {
    it.each([
      ['absent', undefined],
      ['null', null],
    ] as const)('accepts any version label (published versions %s)', (_name, versions) => {
      const events = decide(giveConsent('whatever-2019'), foldSubject([]), context(versions));
      expect(events.map((e) => [e.type, e.type === 'consent-given' && e.data.policyVersion])).toEqual([['consent-given', 'whatever-2019']]);
    });
  });

  describe('when the tenant has published versions', () => {
    it('accepts one of them', () => {
      const events = decide(giveConsent('v2'), foldSubject([]), context(['v1', 'v2']));
      expect(events).toHaveLength(1);
    });

    it('refuses another label with 422 unknown-policy-version naming policyVersion', () => {
      const error = refusal(() => decide(giveConsent('v3'), foldSubject([]), context(['v1', 'v2'])));
      expect({ code: error.code, status: error.status }).toEqual({ code: 'unknown-policy-version', status: 422 });
      expect(error.errors).toEqual([{ field: 'policyVersion', message: 'must be a published policy version: v1, v2' }]);
    });

    it('refuses a repeat of a consent granted under a label that is no longer acceptable', () => {
      const history: SubjectEvent[] = [
        {
          type: 'consent-given',
          occurredAt: '2026-01-01T00:00:00.000Z',
          data: { purposes: ['crm-access'], policyVersion: 'legacy', channel: 'web' },
        },
      ];
      const error = refusal(() => decide(giveConsent('legacy'), foldSubject(history), context(['v1'])));
      expect(error.code).toBe('unknown-policy-version');
    });

    it('still refuses an erased subject with subject-erased first', () => {
      const history: SubjectEvent[] = [
        {
          type: 'deletion-requested',
          occurredAt: '2026-01-01T00:00:00.000Z',
          data: {
            deletionId: 'd',
            requestedAt: '2026-01-01T00:00:00.000Z',
            dueAt: '2026-01-31T00:00:00.000Z',
            systems: ['crm'],
            trigger: 'subject-request',
          },
        },
        {
          type: 'deletion-completed',
          occurredAt: '2026-01-02T00:00:00.000Z',
          data: { deletionId: 'd', system: 'crm', completedAt: '2026-01-02T00:00:00.000Z', remainingSystems: [] },
        },
      ];
      expect(refusal(() => decide(giveConsent('v9'), foldSubject(history), context(['v1']))).code).toBe('subject-erased');
    });
  });
});
