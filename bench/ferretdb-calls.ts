import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { openMongoReadStore } from '../src/read-store/mongodb/mongodb-read-store.js';
import type { ReadDocument } from '../src/read-store/read-store.port.js';
import { machine, writeResults } from './support/measure.js';

/**
 * The MongoDB calls the read store makes, timed one by one against MONGODB_URL (for CI's
 * FerretDB on PostgreSQL: `.ci/with-ferretdb node dist-bench/bench/ferretdb-calls.js`), on a
 * collection of BENCH_DOCUMENTS documents (default 20,000) of about 350 bytes:
 * - raw driver calls: insertMany, a guarded replaceOne by `_id`, findOne by `_id`, find with
 *   `_id: {$in: [100 ids]}`;
 * - the adapter's own: getMany of 100 ids, putMany of 50 documents (all new, all stored
 *   before, half and half).
 * Each figure is operations (or documents) per second over a fixed count, one after another.
 */
const url = process.env['MONGODB_URL'];
if (url === undefined || url === '') throw new Error('set MONGODB_URL (e.g. run under .ci/with-ferretdb)');
const size = Number(process.env['BENCH_DOCUMENTS'] ?? 20_000);
const before = machine();

const database = `bench_${randomUUID().slice(0, 8)}`;
const target = new URL(url);
target.pathname = `/${database}`;
const client = await new MongoClient(target.toString()).connect();
const db = client.db(database);
const build = await db.admin().command({ buildInfo: 1 });
const server =
  typeof build['ferretdbVersion'] === 'string' ? `FerretDB ${build['ferretdbVersion']}` : `MongoDB ${String(build['version'])}`;

const documentOf = (id: string, position: number): ReadDocument => ({
  _id: id,
  _position: position,
  tenantId: 'bench',
  status: 'consented',
  purposes: ['marketing', 'analytics'],
  note: 'x'.repeat(240),
});
const idOf = (n: number) => `subject-${String(n).padStart(8, '0')}`;
const randomIds = (count: number) => Array.from({ length: count }, () => idOf(Math.floor(Math.random() * size)));

const timed = async (count: number, work: (i: number) => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  return Math.round((count / ((performance.now() - started) / 1000)) * 10) / 10;
};

const rows: { call: string; rate: number; unit: string }[] = [];
// Each row as soon as it is measured: a call that never returns still leaves the others.
const push = (row: { call: string; rate: number; unit: string }) => {
  rows.push(row);
  console.error(`${row.call}: ${row.rate} ${row.unit}`);
};
const collection = db.collection<ReadDocument>('rm_calls');
const all = Array.from({ length: size }, (_, n) => documentOf(idOf(n), 1));
const insertRate = await timed(Math.ceil(size / 1000), (i) => collection.insertMany(all.slice(i * 1000, (i + 1) * 1000)));
push({ call: 'insertMany (1,000 a call)', rate: Math.round(insertRate * 1000), unit: 'documents/s' });
let position = 2;
push({
  call: 'guarded replaceOne by _id',
  rate: await timed(100, () => {
    const [id] = randomIds(1) as [string];
    const document = documentOf(id, position++);
    return collection.replaceOne({ _id: id, _position: { $lt: document._position } }, document, { upsert: true });
  }),
  unit: 'calls/s',
});
push({ call: 'findOne by _id', rate: await timed(100, () => collection.findOne({ _id: randomIds(1)[0]! })), unit: 'calls/s' });
push({
  call: 'find _id $in [100 ids]',
  rate: await timed(5, () => collection.find({ _id: { $in: randomIds(100) } }).toArray()),
  unit: 'calls/s',
});

const store = await openMongoReadStore(target.toString());
await collection.rename('rm_adapter');
push({ call: 'adapter getMany (100 ids)', rate: await timed(5, () => store.getMany('adapter', randomIds(100))), unit: 'calls/s' });
let fresh = size;
const batch = (stored: number, added: number) => [
  ...[...new Set(randomIds(stored))].map((id) => documentOf(id, position++)),
  ...Array.from({ length: added }, () => documentOf(idOf(fresh++), position++)),
];
for (const [label, stored, added] of [
  ['new', 0, 50],
  ['stored before', 50, 0],
  ['half and half', 25, 25],
] as const) {
  const batches = Array.from({ length: 5 }, () => batch(stored, added));
  const perCall = await timed(batches.length, (i) => store.putMany('adapter', batches[i]!));
  push({ call: `adapter putMany (50 documents, ${label})`, rate: Math.round(perCall * 50), unit: 'documents/s' });
}

await db.dropDatabase();
await store.close();
await client.close();
const after = machine();
console.log(`${server}, ${size.toLocaleString('en')} documents in the collection`);
console.table(rows);
const noisy = before.noisy || after.noisy;
if (noisy) console.log(`NOISY: load average ${before.loadAverage1m} -> ${after.loadAverage1m} on ${after.cores} cores.`);
const path = writeResults(`ferretdb-calls-${size}`, {
  benchmark: 'ferretdb-calls',
  server,
  documents: size,
  machine: { ...after, loadAverageBefore: before.loadAverage1m, noisy },
  rows,
  at: new Date().toISOString(),
});
console.log(`results: ${path}`);
