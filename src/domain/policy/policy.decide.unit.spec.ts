import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type ErrorCode, LedgerError } from '../ledger-error.js';
import type { PolicyCommand, PolicyDecisionContext, PublishPolicy, SendPolicyNotice } from './policy.commands.js';
import { decidePolicy } from './policy.decide.js';
import type { PolicyEvent, PolicyNoticeSent, PolicyPublished } from './policy.events.js';
import { evolvePolicy, foldPolicy, initialPolicyState, publishedPolicyVersions } from './policy.state.js';

// ---------------------------------------------------------------------------------------
// given / when / then over the pure policy decider. Fresh values per call, no shared state.
// ---------------------------------------------------------------------------------------

const at = (minute: number): string => new Date(Date.UTC(2026, 3, 1, 10, minute)).toISOString();

const aContext = (overrides: Partial<PolicyDecisionContext> = {}): PolicyDecisionContext => ({ occurredAt: at(30), ...overrides });

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

const publishCommand = (version: string, overrides: Partial<PublishPolicy> = {}): PublishPolicy => ({
  type: 'publish-policy',
  version,
  effectiveFrom: '2026-05-01T00:00:00.000Z',
  material: true,
  url: `https://example.com/privacy/${version}`,
  textSha256: sha(version),
  ...overrides,
});

const published = (version: string, overrides: Partial<PolicyPublished['data']> = {}, occurredAt = at(1)): PolicyPublished => {
  const { type: _type, ...data } = publishCommand(version);
  return { type: 'policy-published', occurredAt, data: { ...data, ...overrides } };
};

const notice = (version: string, overrides: Partial<SendPolicyNotice> = {}): SendPolicyNotice => ({
  type: 'send-policy-notice',
  version,
  channel: 'email',
  audience: 'primary-admin',
  ...overrides,
});

const given = (events: readonly PolicyEvent[] = []) => {
  const state = foldPolicy(events);
  return {
    when: (command: PolicyCommand, context: PolicyDecisionContext = aContext()) => {
      const decided = (): PolicyEvent[] => decidePolicy(command, state, context);
      return {
        then: (expected: readonly PolicyEvent[]): void => {
          expect(decided()).toEqual(expected);
        },
        thenNothing: (): void => {
          expect(decided()).toEqual([]);
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
          expect({ code: error.code, status: error.status }).toEqual({ code, status });
          return error;
        },
      };
    },
  };
};

describe('the policy decider', () => {
  describe('publish-policy', () => {
    describe('when the version is new', () => {
      it('publishes it with every field, at the time of the context', () => {
        const command = publishCommand('2026-05', { material: false });
        given([published('2026-01')])
          .when(command, aContext({ occurredAt: at(7) }))
          .then([
            {
              type: 'policy-published',
              occurredAt: at(7),
              data: {
                version: '2026-05',
                effectiveFrom: '2026-05-01T00:00:00.000Z',
                material: false,
                url: 'https://example.com/privacy/2026-05',
                textSha256: sha('2026-05'),
              },
            },
          ]);
      });

      it('publishes the first version of a tenant', () => {
        given([])
          .when(publishCommand('v1'))
          .then([published('v1', {}, aContext().occurredAt)]);
      });
    });

    describe('when the version was already published', () => {
      it('changes nothing when every field is the same', () => {
        given([published('v1')])
          .when(publishCommand('v1'))
          .thenNothing();
      });

      it('changes nothing when effectiveFrom is the same instant written another way', () => {
        given([published('v1')])
          .when(publishCommand('v1', { effectiveFrom: '2026-05-01T05:30:00+05:30' }))
          .thenNothing();
      });

      it.each([
        ['effectiveFrom', { effectiveFrom: '2026-06-01T00:00:00.000Z' }],
        ['material', { material: false }],
        ['url', { url: 'https://example.com/privacy/elsewhere' }],
        ['textSha256', { textSha256: sha('other text') }],
      ] as const)('refuses another %s with 409 policy-version-exists naming it', (field, change) => {
        const error = given([published('v1')])
          .when(publishCommand('v1', change))
          .thenThrows('policy-version-exists', 409);
        expect(error.errors?.map((e) => e.field)).toEqual([field]);
      });

      it('names every field that differs', () => {
        const error = given([published('v1')])
          .when(publishCommand('v1', { material: false, textSha256: sha('edited') }))
          .thenThrows('policy-version-exists', 409);
        expect(error.errors?.map((e) => e.field)).toEqual(['material', 'textSha256']);
      });

      it('compares with the version of the same label only', () => {
        given([published('v1'), published('v2', { material: false })])
          .when(publishCommand('v2', { material: false }))
          .thenNothing();
      });
    });
  });

  describe('send-policy-notice', () => {
    it('records a notice to the primary admin, sent at the time of the context', () => {
      given([published('v1')])
        .when(notice('v1', { channel: 'pop-up' }), aContext({ occurredAt: at(12) }))
        .then([
          {
            type: 'policy-notice-sent',
            occurredAt: at(12),
            data: { version: 'v1', channel: 'pop-up', audience: 'primary-admin', sentAt: at(12) },
          },
        ]);
    });

    it('records a notice to a subject with the subject id', () => {
      const subjectId = `s-${randomUUID()}`;
      given([published('v1')])
        .when(notice('v1', { audience: 'subject', subjectId }))
        .then([
          {
            type: 'policy-notice-sent',
            occurredAt: at(30),
            data: { version: 'v1', channel: 'email', audience: 'subject', subjectId, sentAt: at(30) },
          },
        ]);
    });

    it('never leaves a subject id on a notice to the primary admin', () => {
      const [event] = decidePolicy(notice('v1', { subjectId: 's-1' }), foldPolicy([published('v1')]), aContext());
      expect(event?.data).not.toHaveProperty('subjectId');
    });

    it('records the same notice again as a new fact: a send is never a no-op', () => {
      const history: PolicyEvent[] = [published('v1')];
      const first = decidePolicy(notice('v1'), foldPolicy(history), aContext());
      const again = decidePolicy(notice('v1'), foldPolicy([...history, ...first]), aContext());
      expect(again).toHaveLength(1);
      expect(again).toEqual(first);
    });

    it('refuses a version the tenant never published with 404 not-found', () => {
      given([published('v1')])
        .when(notice('v2'))
        .thenThrows('not-found', 404);
      given([]).when(notice('v1')).thenThrows('not-found', 404);
    });
  });

  describe('evolve', () => {
    it('starts with nothing published, which lets any consent version through', () => {
      expect(initialPolicyState()).toEqual({ versions: [] });
      expect(publishedPolicyVersions(initialPolicyState())).toBeNull();
    });

    it('folds publications in publication order with when each was published', () => {
      const state = foldPolicy([published('v2', {}, at(2)), published('v1', { material: false }, at(3))]);
      expect(state.versions.map((p) => [p.version, p.material, p.publishedAt])).toEqual([
        ['v2', true, at(2)],
        ['v1', false, at(3)],
      ]);
      expect(publishedPolicyVersions(state)).toEqual(['v2', 'v1']);
    });

    it('keeps the first publication of a version if a history held two', () => {
      const state = foldPolicy([published('v1'), published('v1', { material: false })]);
      expect(state.versions).toHaveLength(1);
      expect(state.versions[0]?.material).toBe(true);
    });

    it('changes nothing for a notice, and never mutates the state it is given', () => {
      const before = foldPolicy([published('v1')]);
      const snapshot = structuredClone(before);
      const sent: PolicyNoticeSent = {
        type: 'policy-notice-sent',
        occurredAt: at(4),
        data: { version: 'v1', channel: 'email', audience: 'primary-admin', sentAt: at(4) },
      };
      expect(evolvePolicy(before, sent)).toEqual(before);
      evolvePolicy(before, published('v2'));
      expect(before).toEqual(snapshot);
    });
  });
});
