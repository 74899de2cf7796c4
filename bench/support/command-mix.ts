import type { RequestContext, RequestDefinition, RequestParams } from 'autocannon';
import { PURPOSES, type PurposeId } from '../../src/domain/catalogue.js';

/** The command kinds of the benchmark mix and their shares in percent (issue 8). */
export const MIX = { consent: 40, transfer: 40, withdrawal: 15, 'erasure-confirmation': 5 } as const;
export type CommandKind = keyof typeof MIX;
export const KINDS = Object.keys(MIX) as CommandKind[];

/** The systems the benchmark's ledger is configured with (LEDGER_ERASURE_SYSTEMS). */
export const ERASURE_SYSTEMS = ['crm', 'call-recordings', 'analytics', 'backups'] as const;

/**
 * The kinds in a fixed cycle of 20 with exactly the shares of MIX, interleaved by smooth
 * weighted round-robin so that no kind comes in bursts: every run sees the same sequence.
 */
export const CYCLE: readonly CommandKind[] = (() => {
  const weights = KINDS.map((kind) => MIX[kind] / 5);
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const cycle: CommandKind[] = [];
  for (let step = 0; step < total; step++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    cycle.push(KINDS[best]!);
  }
  return cycle;
})();

interface Subject {
  readonly tenantId: string;
  readonly subjectId: string;
  granted: PurposeId[];
  /** Re-consent under a new policy version once every purpose is granted. */
  version: number;
  erasure: 'none' | 'open' | 'completed';
  pending: string[];
  /** A request for this subject is in flight: no second one until it is answered. */
  busy: boolean;
  /** Its state is unknown (an error, or a request cut off by the end of a run): never used again. */
  lost: boolean;
  /** Already in the pool of subjects with granted purposes. */
  listed: boolean;
}

interface Pending {
  readonly subject: Subject;
  readonly kind: CommandKind;
  readonly apply: () => void;
}

export interface MixCounts {
  /** Requests sent per kind (after substitutions). */
  readonly sent: Record<CommandKind, number>;
  /** 2xx answers per kind. */
  readonly ok: Record<CommandKind, number>;
  /** Events the 2xx answers reported as written. */
  events: number;
  /** Non-2xx answers by `status code` (e.g. `409 consent-not-active`). */
  readonly failures: Record<string, number>;
  /** Times the cycle's kind had no eligible subject and a consent was sent instead. */
  substituted: number;
}

const zero = (): Record<CommandKind, number> => ({ consent: 0, transfer: 0, withdrawal: 0, 'erasure-confirmation': 0 });
const STATUS_PURPOSES: readonly PurposeId[] = PURPOSES;
const BASE_VERSION = 2024;

/**
 * A model of every subject's state, kept by the load generator so that every request it
 * sends is legitimate for that state: a transfer relies on a granted purpose (or on a
 * contract), a withdrawal names a granted purpose, a confirmation names a pending system of
 * an open erasure. The model changes only on a 2xx answer, and a subject is never in two
 * requests at once, so concurrency cannot make a request wrong; any non-2xx is then a real
 * error of the ledger, counted by status and code. Subjects are spread over a few tenants.
 */
export class CommandMix {
  private readonly subjects: Subject[];
  private readonly fresh: Subject[];
  private readonly active: Subject[] = [];
  private readonly erasing: Subject[] = [];
  private activeCursor = 0;
  private step = 0;
  private consents = 0;
  private transfers = 0;
  counts: MixCounts = { sent: zero(), ok: zero(), events: 0, failures: {}, substituted: 0 };

  constructor(
    subjects: number,
    tenants: number,
    /** Open erasures kept available for confirmations: at least one per connection, plus a margin. */
    private erasureTarget = 8,
  ) {
    const runId = Date.now().toString(36);
    this.subjects = Array.from({ length: subjects }, (_, i) => ({
      tenantId: `bench-${i % tenants}`,
      subjectId: `s-${runId}-${i}`,
      granted: [],
      version: BASE_VERSION,
      erasure: 'none' as const,
      pending: [],
      busy: false,
      lost: false,
      listed: false,
    }));
    this.fresh = [...this.subjects].reverse();
  }

  /** Before a run: how many requests may be in flight at once, and fresh counters. */
  startRun(connections: number): void {
    this.erasureTarget = connections + 4;
    this.counts = { sent: zero(), ok: zero(), events: 0, failures: {}, substituted: 0 };
  }

  /** After a run: requests cut off by its end have an unknown outcome, so their subjects retire. */
  endRun(): number {
    let cut = 0;
    for (const subject of this.subjects) {
      if (!subject.busy) continue;
      subject.busy = false;
      subject.lost = true;
      cut++;
    }
    return cut;
  }

  /** Subjects still usable, and those with an open erasure (for the report). */
  summary(): { subjects: number; fresh: number; active: number; openErasures: number; completedErasures: number; retired: number } {
    const live = this.subjects.filter((s) => !s.lost);
    return {
      subjects: this.subjects.length,
      fresh: live.filter((s) => s.erasure === 'none' && s.granted.length === 0).length,
      active: live.filter((s) => s.erasure === 'none' && s.granted.length > 0).length,
      openErasures: live.filter((s) => s.erasure === 'open').length,
      completedErasures: live.filter((s) => s.erasure === 'completed').length,
      retired: this.subjects.length - live.length,
    };
  }

  /** The autocannon request definition: each call of setupRequest is the next command of the mix. */
  request(): RequestDefinition {
    return {
      method: 'POST',
      setupRequest: (request: RequestParams, context: RequestContext) => this.next(request, context),
      onResponse: (status: number, body: string, context: RequestContext) => this.answered(status, body, context),
    };
  }

  private next(request: RequestParams, context: RequestContext): RequestParams {
    const kind = CYCLE[this.step++ % CYCLE.length]!;
    const built = this.build(kind) ?? (this.counts.substituted++, this.build('consent'));
    if (built === undefined) throw new Error('no subject is free: more connections than subjects?');
    const [pending, path, body] = built;
    pending.subject.busy = true;
    this.counts.sent[pending.kind]++;
    context['pending'] = pending;
    return { ...request, path, body: JSON.stringify(body) };
  }

  private answered(status: number, body: string, context: RequestContext): void {
    const pending = context['pending'] as Pending | undefined;
    if (pending === undefined) return;
    context['pending'] = undefined;
    pending.subject.busy = false;
    if (status >= 200 && status < 300) {
      this.counts.ok[pending.kind]++;
      this.counts.events += eventCount(body);
      pending.apply();
      return;
    }
    const key = `${status} ${problemCode(body)} (${pending.kind})`;
    this.counts.failures[key] = (this.counts.failures[key] ?? 0) + 1;
    pending.subject.lost = true;
  }

  private build(kind: CommandKind): [Pending, string, unknown] | undefined {
    switch (kind) {
      case 'consent':
        return this.consent();
      case 'transfer':
        return this.transfer();
      case 'withdrawal':
        return this.withdrawal();
      case 'erasure-confirmation':
        return this.confirmation();
      default: {
        const unreachable: never = kind;
        return unreachable;
      }
    }
  }

  /** Every other consent signs up a new subject (three purposes); the rest add a purpose to a known one. */
  private consent(): [Pending, string, unknown] | undefined {
    const signUp = this.consents++ % 2 === 0 || this.active.length === 0;
    const subject = (signUp && this.takeFresh()) || this.pickActive(() => true) || this.takeFresh();
    if (subject === undefined) return undefined;
    const ungranted = STATUS_PURPOSES.filter((p) => !subject.granted.includes(p));
    const renew = ungranted.length === 0;
    const version = renew ? subject.version + 1 : subject.version;
    const purposes = renew ? STATUS_PURPOSES.slice(0, 2) : subject.granted.length === 0 ? ungranted.slice(0, 3) : ungranted.slice(0, 1);
    const apply = () => {
      if (renew) subject.version = version;
      for (const p of purposes) if (!subject.granted.includes(p)) subject.granted.push(p);
      if (!subject.listed) this.active.push(subject);
      subject.listed = true;
    };
    const n = Number(subject.subjectId.slice(subject.subjectId.lastIndexOf('-') + 1));
    return [
      { subject, kind: 'consent', apply },
      `${base(subject)}/consents`,
      {
        purposes,
        policyVersion: `${version}-06`,
        channel: 'web',
        subjectType: 'end-user',
        evidence: { ipAddress: `203.0.113.${n % 250}`, userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', contact: `user${n}@example.com` },
      },
    ];
  }

  /** Three in four rely on a granted purpose's consent, one in four on a contract. */
  private transfer(): [Pending, string, unknown] | undefined {
    const subject = this.pickActive(() => true);
    if (subject === undefined) return undefined;
    const byContract = this.transfers++ % 4 === 3;
    const purpose = byContract ? 'service-access' : subject.granted[this.transfers % subject.granted.length]!;
    return [
      { subject, kind: 'transfer', apply: () => undefined },
      `${base(subject)}/transfers`,
      {
        recipient: { id: 'aws-sg', name: 'Amazon Web Services', kind: 'cloud-host' },
        country: this.transfers % 3 === 0 ? 'IN' : 'SG',
        dataCategories: ['pii.name', 'pii.phone-number'],
        purpose,
        legalBasis: byContract ? 'contract' : 'consent',
        reference: `job-${this.transfers}`,
      },
    ];
  }

  /**
   * Withdraws one purpose of a subject that keeps others; withdraws everything (which opens
   * an erasure) when fewer open erasures remain than confirmations may need.
   */
  private withdrawal(): [Pending, string, unknown] | undefined {
    const openErasures = this.erasing.filter((s) => s.erasure === 'open' && !s.lost).length;
    const all = openErasures < this.erasureTarget;
    const subject = all ? this.pickActive(() => true) : (this.pickActive((s) => s.granted.length >= 2) ?? this.pickActive(() => true));
    if (subject === undefined) return undefined;
    const everything = all || subject.granted.length < 2;
    const purpose = subject.granted[0]!;
    const apply = () => {
      if (everything) {
        subject.granted = [];
        subject.erasure = 'open';
        subject.pending = [...ERASURE_SYSTEMS];
        this.erasing.push(subject);
      } else {
        subject.granted = subject.granted.filter((p) => p !== purpose);
      }
    };
    return [
      { subject, kind: 'withdrawal', apply },
      `${base(subject)}/consents/withdrawals`,
      everything ? { channel: 'web' } : { purposes: [purpose], channel: 'web' },
    ];
  }

  private confirmation(): [Pending, string, unknown] | undefined {
    const index = this.erasing.findIndex((s) => !s.busy && !s.lost && s.erasure === 'open');
    const subject = this.erasing[index];
    if (subject === undefined) return undefined;
    // Rotate, so that confirmations spread over the open erasures as they would in life.
    this.erasing.splice(index, 1);
    this.erasing.push(subject);
    const system = subject.pending[0]!;
    const apply = () => {
      subject.pending = subject.pending.filter((s) => s !== system);
      if (subject.pending.length === 0) {
        subject.erasure = 'completed';
        this.erasing.splice(this.erasing.indexOf(subject), 1);
      }
    };
    return [
      { subject, kind: 'erasure-confirmation', apply },
      `${base(subject)}/deletion-completions`,
      { system, evidence: `ticket-${subject.subjectId}-${system}` },
    ];
  }

  private takeFresh(): Subject | undefined {
    while (this.fresh.length > 0) {
      const subject = this.fresh.pop()!;
      if (!subject.lost && !subject.busy) return subject;
    }
    return undefined;
  }

  /** Round-robin over subjects with granted purposes and no erasure; drops those that left that state. */
  private pickActive(fits: (subject: Subject) => boolean): Subject | undefined {
    for (let tries = 0; tries < 256 && this.active.length > 0; tries++) {
      this.activeCursor = this.activeCursor % this.active.length;
      const subject = this.active[this.activeCursor]!;
      if (subject.lost || subject.erasure !== 'none' || subject.granted.length === 0) {
        // Swap-remove: it never comes back to this pool.
        this.active[this.activeCursor] = this.active.at(-1)!;
        this.active.pop();
        subject.listed = false;
        continue;
      }
      this.activeCursor++;
      if (!subject.busy && fits(subject)) return subject;
    }
    return undefined;
  }
}

const base = (subject: Subject): string => `/v1/tenants/${subject.tenantId}/subjects/${subject.subjectId}`;

const eventCount = (body: string): number => {
  try {
    const parsed = JSON.parse(body) as { events?: unknown[] };
    return parsed.events?.length ?? 0;
  } catch {
    return 0;
  }
};

const problemCode = (body: string): string => {
  try {
    return String((JSON.parse(body) as { code?: unknown }).code ?? '-');
  } catch {
    return '-';
  }
};
