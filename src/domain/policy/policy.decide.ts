import { LedgerError, type FieldError } from '../ledger-error.js';
import type { PolicyCommand, PolicyDecisionContext, PublishPolicy, SendPolicyNotice } from './policy.commands.js';
import type { PolicyEvent } from './policy.events.js';
import { findPolicyVersion, type PolicyState, type PublishedPolicy } from './policy.state.js';

/**
 * The rules for a tenant's policy versions and notices. Pure, like the subject decider:
 * the write path may re-run it after a version conflict. `state` is the tenant's policy
 * stream (the publications); an empty array means nothing changes (answered 200).
 */
export const decidePolicy = (command: PolicyCommand, state: PolicyState, context: PolicyDecisionContext): PolicyEvent[] => {
  switch (command.type) {
    case 'publish-policy':
      return publishPolicy(command, state, context);
    case 'send-policy-notice':
      return sendNotice(command, state, context);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

/** The fields that make a version what it is; a republication must repeat them exactly. */
const IDENTITY = ['effectiveFrom', 'material', 'url', 'textSha256'] as const;

const sameValue = (field: (typeof IDENTITY)[number], published: PublishedPolicy, command: PublishPolicy): boolean =>
  field === 'effectiveFrom'
    ? Date.parse(published.effectiveFrom) === Date.parse(command.effectiveFrom)
    : published[field] === command[field];

/**
 * A version is published once. Sending the same publication again (a retry without an
 * Idempotency-Key) changes nothing; the same version with other text, time or materiality
 * is refused, because consents already given under it name what was first published.
 */
const publishPolicy = (command: PublishPolicy, state: PolicyState, context: PolicyDecisionContext): PolicyEvent[] => {
  const published = findPolicyVersion(state, command.version);
  if (published) {
    const differing: FieldError[] = IDENTITY.filter((field) => !sameValue(field, published, command)).map((field) => ({
      field,
      message: `differs from version ${command.version} as published (${String(published[field])})`,
    }));
    if (differing.length === 0) return [];
    throw new LedgerError(
      'policy-version-exists',
      `Policy version ${command.version} was already published with other ${differing.map((e) => e.field).join(', ')}; publish a new version instead.`,
      differing,
    );
  }
  return [
    {
      type: 'policy-published',
      occurredAt: context.occurredAt,
      data: {
        version: command.version,
        effectiveFrom: command.effectiveFrom,
        material: command.material,
        url: command.url,
        textSha256: command.textSha256,
      },
    },
  ];
};

/** Every send is a fact of its own, so a notice is never a no-op; only a published version has notices. */
const sendNotice = (command: SendPolicyNotice, state: PolicyState, context: PolicyDecisionContext): PolicyEvent[] => {
  if (!findPolicyVersion(state, command.version)) {
    throw new LedgerError('not-found', `This tenant has published no policy version ${command.version}.`);
  }
  return [
    {
      type: 'policy-notice-sent',
      occurredAt: context.occurredAt,
      data: {
        version: command.version,
        channel: command.channel,
        audience: command.audience,
        ...(command.audience === 'subject' && command.subjectId !== undefined && { subjectId: command.subjectId }),
        sentAt: context.occurredAt,
      },
    },
  ];
};
