import type { HttpAnswer, RunningLedger } from './ledger-app.js';

/** The global position of the last event a command wrote: what `?atLeast=` waits for. */
export const lastPosition = (answer: HttpAnswer): number => {
  const events = (answer.body as { events?: { globalPosition: number }[] } | undefined)?.events ?? [];
  const last = events.at(-1);
  if (last === undefined) throw new Error(`the command wrote no event (status ${answer.status}: ${answer.text})`);
  return last.globalPosition;
};

/** The ids of the events a command wrote, in order. */
export const eventIds = (answer: HttpAnswer): string[] =>
  ((answer.body as { events?: { id: string }[] } | undefined)?.events ?? []).map((e) => e.id);

/** Polls `probe` until `done` accepts its result, for at most `timeoutMs`; returns the last result. */
export const eventually = async <T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 2000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

export interface HealthAnswer {
  status: string;
  eventStore: { lastPosition: number };
  projections: { name: string; state: string; position: number; lag: number; error: string | null; failedEventId: string | null }[];
}

/**
 * Waits (bounded) until /health shows every projection at the event store's last position. The
 * bound is generous: spec files run side by side and share one FerretDB in CI, so read models
 * can lag for seconds; a stuck projection still fails here, with its state in the message.
 */
export const caughtUp = async (ledger: RunningLedger, timeoutMs = 30_000): Promise<HealthAnswer> => {
  const isCaughtUp = (health: HealthAnswer) =>
    health.projections.length > 0 &&
    health.projections.every((p) => p.state === 'running' && p.position === health.eventStore.lastPosition);
  const health = await eventually(async () => (await ledger.get<HealthAnswer>('/health')).body, isCaughtUp, timeoutMs);
  if (!isCaughtUp(health)) throw new Error(`read models did not catch up within ${timeoutMs} ms: ${JSON.stringify(health)}`);
  return health;
};

/**
 * A small RFC 4180 reader: fields may be quoted, quotes inside are doubled, and a quoted
 * field may hold commas and line breaks. Records end with LF or CRLF.
 */
export const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else field += char;
      i++;
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      if (char === '\r') i++;
    } else {
      field += char;
    }
    i++;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
};

/** CSV rows as objects keyed by the header row. */
export const csvObjects = (text: string): Record<string, string>[] => {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index] ?? ''])));
};
