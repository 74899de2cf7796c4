import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { csvObjects, eventIds, lastPosition, parseCsv } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

const contractTransfer = (reference: string, occurredAt: string) =>
  transferBody({
    legalBasis: 'contract',
    purpose: 'service-access',
    recipient: { id: 'twilio-us', name: 'Twilio, Inc.', kind: 'processor' },
    country: 'US',
    dataCategories: ['pii.phone-number'],
    reference,
    occurredAt,
  });

describe('GET /v1/tenants/{t}/subjects/{s}/history', () => {
  let ledger: RunningLedger;
  const clock = new TestClock('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    ledger = await startLedger({ clock, env: { LEDGER_ERASURE_DAYS: '30', LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  /**
   * A whole life: consent, a transfer, the last withdrawal (which opens an erasure), both
   * confirmations; or, with `complete: false`, all but the last confirmation, so the subject
   * is still live (its personal data not yet shredded).
   */
  const seedLife = async ({ complete = true }: { complete?: boolean } = {}) => {
    const tenant = newTenant();
    const subjectId = newSubject();
    const path = subjectPath(tenant, subjectId);
    const answers: HttpAnswer[] = [];
    answers.push(
      await ledger.post(`${path}/consents`, consentBody({ purposes: ['crm-access'], occurredAt: '2026-02-01T09:00:00Z' }), {
        'x-actor': 'signup-service',
      }),
    );
    answers.push(await ledger.post(`${path}/transfers`, transferBody({ occurredAt: '2026-02-02T09:00:00Z' })));
    answers.push(
      await ledger.post(`${path}/consents/withdrawals`, {
        channel: 'email',
        reason: 'moving away, "for good"',
        occurredAt: '2026-02-03T09:00:00Z',
      }),
    );
    answers.push(
      await ledger.post(`${path}/deletion-completions`, { system: 'crm', evidence: 'ticket OPS-1', occurredAt: '2026-02-04T09:00:00Z' }),
    );
    if (complete)
      answers.push(await ledger.post(`${path}/deletion-completions`, { system: 'backups', occurredAt: '2026-02-05T09:00:00Z' }));
    for (const answer of answers) expect(answer.status).toBe(201);
    return { tenant, subjectId, path, ids: answers.flatMap(eventIds), at: lastPosition(answers.at(-1)!) };
  };

  describe('the timeline', () => {
    it('lists every fact oldest first, each with a plain sentence and its structured fields', async () => {
      const { tenant, subjectId, path, ids: liveIds, at: liveAt } = await seedLife({ complete: false });
      const live = await ledger.get(`${path}/history?atLeast=${liveAt}`);
      // While the subject is live, its personal values read in clear.
      expect(live.body.entries.map((e: any) => e.eventId)).toEqual(liveIds);
      expect(live.body.entries[0].evidence).toBe('IP 203.0.113.7; agent Mozilla/5.0; contact asha@example.com');
      expect(live.body.entries[1].transferReference).toBe('nightly-sync');
      expect(live.body.entries[2].reason).toBe('moving away, "for good"');
      expect(live.body.entries[5].evidence).toBe('ticket OPS-1');

      const last = await ledger.post(`${path}/deletion-completions`, { system: 'backups', occurredAt: '2026-02-05T09:00:00Z' });
      expect(last.status).toBe(201);
      const ids = [...liveIds, ...eventIds(last)];
      const answer = await ledger.get(`${path}/history?atLeast=${lastPosition(last)}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ tenantId: tenant, subjectId, nextCursor: null });
      const entries: any[] = answer.body.entries;
      expect(entries.map((e) => e.eventId)).toEqual(ids);
      expect(entries.map((e) => e.type)).toEqual([
        'consent-given',
        'data-transferred',
        'consent-withdrawn',
        'deletion-requested',
        'recipient-notification-required',
        'deletion-completed',
        'deletion-completed',
        'subject-data-shredded',
      ]);
      expect(entries.map((e) => e.streamPosition)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      const positions = entries.map((e) => e.globalPosition);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);

      const [consent, transfer, withdrawal, requested, notice, crm, backups, shredded] = entries;
      // The erasure completed, so the personal values now read [erased]; every other fact stays.
      expect(entries.slice(0, 6).map((entry) => entry.description)).toEqual(live.body.entries.map((entry: any) => entry.description));
      expect(consent).toMatchObject({
        occurredAt: '2026-02-01T09:00:00.000Z',
        recordedAt: '2026-03-01T10:00:00.000Z',
        purposes: ['crm-access'],
        policyVersion: '2024-06',
        channel: 'web',
        actor: 'signup-service',
        recipientId: null,
        deletionId: null,
      });
      expect(consent.description).toContain('crm-access');
      expect(consent.description).toContain('2024-06');
      expect(consent.evidence).toBe('IP [erased]; agent [erased]; contact [erased]');

      expect(transfer).toMatchObject({
        occurredAt: '2026-02-02T09:00:00.000Z',
        purposes: ['crm-access'],
        recipientId: 'aws-sg',
        recipientName: 'Amazon Web Services',
        recipientKind: 'cloud-host',
        country: 'SG',
        dataCategories: ['pii.name', 'pii.phone-number'],
        legalBasis: 'consent',
        transferReference: '[erased]',
        policyVersion: null,
      });
      expect(transfer.description).toEqual(expect.stringContaining('Amazon Web Services'));
      expect(transfer.description).toEqual(expect.stringContaining('SG'));

      expect(withdrawal).toMatchObject({ purposes: ['crm-access'], channel: 'email', reason: '[erased]' });
      expect(withdrawal.description.toLowerCase()).toContain('withdrawn');

      expect(requested).toMatchObject({
        occurredAt: '2026-02-03T09:00:00.000Z',
        deletionId: expect.any(String),
        dueAt: '2026-03-05T09:00:00.000Z',
        systems: ['crm', 'backups'],
      });
      expect(requested.description).toContain('2026-03-05T09:00:00.000Z');

      // The transfer's recipient must be told of the erasure (Art. 19), by the erasure's deadline.
      expect(notice).toMatchObject({
        deletionId: requested.deletionId,
        dueAt: '2026-03-05T09:00:00.000Z',
        dataCategories: ['pii.name', 'pii.phone-number'],
      });
      expect(notice.description).toContain('Amazon Web Services (cloud-host; pii.name, pii.phone-number)');

      expect(crm).toMatchObject({ deletionId: requested.deletionId, system: 'crm', systems: ['backups'], evidence: '[erased]' });
      expect(crm.description).toContain('backups');
      expect(backups).toMatchObject({ deletionId: requested.deletionId, system: 'backups', systems: [] });
      expect(backups.description.toLowerCase()).toContain('complete');
      expect(shredded).toMatchObject({
        deletionId: requested.deletionId,
        occurredAt: '2026-02-05T09:00:00.000Z',
        evidence: null,
        reason: null,
      });
      expect(shredded.description).toContain('Personal data crypto-shredded');

      // Every entry has the same shape (fields that do not apply are null), and no bookkeeping leaks.
      const keys = Object.keys(consent).sort();
      for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(keys);
      expect(keys).not.toContain('_id');
      expect(keys).not.toContain('_position');
    });

    it('orders by when facts were recorded, not by their occurredAt', async () => {
      const path = subjectPath(newTenant(), newSubject());
      const late = await ledger.post(`${path}/transfers`, contractTransfer('first-recorded', '2026-02-20T00:00:00Z'));
      const early = await ledger.post(`${path}/transfers`, contractTransfer('second-recorded', '2026-01-01T00:00:00Z'));
      const answer = await ledger.get(`${path}/history?atLeast=${lastPosition(early)}`);
      expect(answer.body.entries.map((e: any) => e.eventId)).toEqual([...eventIds(late), ...eventIds(early)]);
    });
  });

  describe('paging', () => {
    const seedTransfers = async (count: number) => {
      const path = subjectPath(newTenant(), newSubject());
      const ids: string[] = [];
      let at = 0;
      for (let i = 0; i < count; i++) {
        const answer = await ledger.post(`${path}/transfers`, contractTransfer(`batch-${i}`, `2026-02-01T00:0${i}:00Z`));
        expect(answer.status).toBe(201);
        ids.push(...eventIds(answer));
        at = lastPosition(answer);
      }
      return { path, ids, at };
    };

    const readAllPages = async (path: string, limit: number, at: number) => {
      const pages: any[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=${limit}&atLeast=${at}${cursor === null ? '' : `&cursor=${cursor}`}`;
        const answer = await ledger.get(`${path}/history?${query}`);
        expect(answer.status).toBe(200);
        pages.push(answer.body);
        cursor = answer.body.nextCursor;
        if (pages.length > 20) throw new Error('paging does not end');
      } while (cursor !== null);
      return pages;
    };

    it('walks every entry exactly once, in order, and ends with nextCursor null', async () => {
      const { path, ids, at } = await seedTransfers(7);
      const pages = await readAllPages(path, 3, at);
      expect(pages.map((p) => p.entries.length)).toEqual([3, 3, 1]);
      expect(pages.slice(0, -1).every((p) => typeof p.nextCursor === 'string')).toBe(true);
      expect(pages.at(-1).nextCursor).toBeNull();
      expect(pages.flatMap((p) => p.entries.map((e: any) => e.eventId))).toEqual(ids);
    });

    it('does not promise another page when the last one is exactly full', async () => {
      const { path, ids, at } = await seedTransfers(4);
      const pages = await readAllPages(path, 2, at);
      expect(pages.map((p) => p.entries.length)).toEqual([2, 2]);
      expect(pages.flatMap((p) => p.entries.map((e: any) => e.eventId))).toEqual(ids);
    });

    it('continues from a cursor to include facts recorded after it was given out', async () => {
      const { path, ids, at } = await seedTransfers(2);
      const first = await ledger.get(`${path}/history?limit=1&atLeast=${at}`);
      const more = await ledger.post(`${path}/transfers`, contractTransfer('later', '2026-02-02T00:00:00Z'));
      const rest = await ledger.get(`${path}/history?limit=10&cursor=${first.body.nextCursor}&atLeast=${lastPosition(more)}`);
      expect(rest.body.entries.map((e: any) => e.eventId)).toEqual([ids[1], ...eventIds(more)]);
      expect(rest.body.nextCursor).toBeNull();
    });

    it.each([
      ['garbled text', 'not a cursor!'],
      ['base64 of something that is not JSON', Buffer.from('hello world').toString('base64url')],
      ['a JSON object instead of the cursor', Buffer.from(JSON.stringify({ globalPosition: 1 })).toString('base64url')],
      ['a cursor of the wrong length', Buffer.from(JSON.stringify([1])).toString('base64url')],
      ['a cursor holding nested values', Buffer.from(JSON.stringify([{ $gt: 0 }, 'x'])).toString('base64url')],
      ['an over-long cursor', 'A'.repeat(1001)],
    ])('refuses a forged cursor (%s) with 400 naming cursor', async (_name, cursor) => {
      const { path } = await seedTransfers(1);
      const answer = await ledger.get(`${path}/history?cursor=${encodeURIComponent(cursor)}`);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('validation-failed');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('cursor');
    });

    it.each(['0', '1001', 'ten', '-2'])('refuses limit=%s with 400 naming limit', async (limit) => {
      const { path } = await seedTransfers(1);
      const answer = await ledger.get(`${path}/history?limit=${limit}`);
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('limit');
    });
  });

  describe('as CSV', () => {
    it('answers text/csv with a header row and one row per fact, quoting what needs quoting', async () => {
      const { path, ids, at } = await seedLife({ complete: false });
      const json = await ledger.get(`${path}/history?atLeast=${at}`);
      const answer = await ledger.get(`${path}/history?atLeast=${at}`, { accept: 'text/csv' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(answer.headers.get('content-disposition')).toContain('attachment');

      const [header, ...rows] = parseCsv(answer.text);
      expect(header).toEqual(expect.arrayContaining(['globalPosition', 'eventId', 'type', 'occurredAt', 'recordedAt', 'description']));
      expect(rows).toHaveLength(ids.length);
      expect(rows.every((row) => row.length === header!.length)).toBe(true);

      const objects = csvObjects(answer.text);
      expect(objects.map((o) => o['eventId'])).toEqual(ids);
      expect(objects.map((o) => Number(o['globalPosition']))).toEqual(json.body.entries.map((e: any) => e.globalPosition));
      expect(objects.map((o) => o['description'])).toEqual(json.body.entries.map((e: any) => e.description));
      expect(objects[2]).toMatchObject({ type: 'consent-withdrawn', reason: 'moving away, "for good"', channel: 'email' });
      expect(objects[1]).toMatchObject({
        recipientName: 'Amazon Web Services',
        country: 'SG',
        dataCategories: 'pii.name;pii.phone-number',
      });
      expect(objects[0]!['recipientId']).toBe('');
    });

    it('is chosen by Accept among other types, and is complete beyond one JSON page', async () => {
      const path = subjectPath(newTenant(), newSubject());
      let at = 0;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const answer = await ledger.post(`${path}/transfers`, contractTransfer(`csv-${i}`, '2026-02-01T00:00:00Z'));
        ids.push(...eventIds(answer));
        at = lastPosition(answer);
      }
      const answer = await ledger.get(`${path}/history?atLeast=${at}&limit=1`, { accept: 'application/json;q=0.5, text/csv' });
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csvObjects(answer.text).map((o) => o['eventId'])).toEqual(ids);
    });

    it('stays JSON when the client says CSV is not acceptable (q=0)', async () => {
      const { path, ids, at } = await seedLife();
      const answer = await ledger.get(`${path}/history?atLeast=${at}`, { accept: 'text/csv;q=0, application/json' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('application/json');
      expect(answer.body.entries.map((e: any) => e.eventId)).toEqual(ids);
    });

    it('answers 404 problem+json for an unknown subject', async () => {
      const answer = await ledger.get(`${subjectPath(newTenant(), newSubject())}/history`, { accept: 'text/csv' });
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not-found');
    });
  });

  describe('unknown subjects and tenants', () => {
    it('answers 404 not-found for a subject the ledger has no facts about', async () => {
      const answer = await ledger.get(`${subjectPath(newTenant(), newSubject())}/history`);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 404, code: 'not-found' });
    });

    it('never shows one tenant the history of another tenant subject with the same subject id', async () => {
      const subjectId = newSubject();
      const [acme, globex, initech] = [newTenant(), newTenant(), newTenant()];
      const a = await ledger.post(`${subjectPath(acme, subjectId)}/consents`, consentBody({ purposes: ['crm-access'] }));
      const g1 = await ledger.post(`${subjectPath(globex, subjectId)}/transfers`, contractTransfer('globex-1', '2026-02-01T00:00:00Z'));
      const g2 = await ledger.post(`${subjectPath(globex, subjectId)}/deletion-requests`, {});
      const at = lastPosition(g2);

      const forAcme = await ledger.get(`${subjectPath(acme, subjectId)}/history?atLeast=${at}`);
      expect(forAcme.body.entries.map((e: any) => e.eventId)).toEqual(eventIds(a));
      expect(forAcme.body.tenantId).toBe(acme);
      const forGlobex = await ledger.get(`${subjectPath(globex, subjectId)}/history?atLeast=${at}`);
      expect(forGlobex.body.entries.map((e: any) => e.eventId)).toEqual([...eventIds(g1), ...eventIds(g2)]);
      const csv = await ledger.get(`${subjectPath(acme, subjectId)}/history?atLeast=${at}`, { accept: 'text/csv' });
      expect(csvObjects(csv.text).map((o) => o['eventId'])).toEqual(eventIds(a));
      expect((await ledger.get(`${subjectPath(initech, subjectId)}/history?atLeast=${at}`)).status).toBe(404);
    });
  });
});
