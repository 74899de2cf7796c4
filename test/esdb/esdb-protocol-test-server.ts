/**
 * TEST DOUBLE — never used outside tests.
 *
 * An in-process, in-memory stand-in for EventStoreDB's gRPC protocol, built with
 * `@grpc/grpc-js` from the very service definitions (`*_grpc_pb.js`) and message classes
 * (`*_pb.js`) that `@eventstore/db-client` 6.2.1 ships and uses, so the real client talks to
 * it over the real wire protocol. It models what the ledger's adapter relies on:
 * ServerFeatures (UNIMPLEMENTED, or listing BatchAppend), Streams.Append, Streams.BatchAppend,
 * Streams.Read (stream and $all reads, catch-up + live subscriptions with filters).
 * It is NOT EventStoreDB: no TLS, no auth/ACLs, no persistence to disk, no scavenging,
 * no $maxAge/$maxCount/stream metadata, no deletes/tombstones, no projections, no
 * persistent subscriptions, no clustering/gossip/leader election, no link resolution,
 * no checkpoint/fell-behind messages, no server-side deadlines.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';

const require = createRequire(import.meta.url);
const streamsGrpc: any = require('@eventstore/db-client/generated/streams_grpc_pb.js');
const streamsPb: any = require('@eventstore/db-client/generated/streams_pb.js');
const sharedPb: any = require('@eventstore/db-client/generated/shared_pb.js');
const statusPb: any = require('@eventstore/db-client/generated/status_pb.js');
const codePb: any = require('@eventstore/db-client/generated/code_pb.js');
const featuresGrpc: any = require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');
const featuresPb: any = require('@eventstore/db-client/generated/serverfeatures_pb.js');
const clientRequire = createRequire(require.resolve('@eventstore/db-client/generated/streams_pb.js'));
const anyPb: any = clientRequire('google-protobuf/google/protobuf/any_pb.js');
const emptyPb: any = clientRequire('google-protobuf/google/protobuf/empty_pb.js');

export interface EsdbTestServerOptions {
  /** true: ServerFeatures lists BatchAppend (client uses Streams.BatchAppend); false: UNIMPLEMENTED (Streams.Append). */
  readonly batchAppend: boolean;
  /**
   * How a $all read/subscription from a position that is not an event's exact position is
   * treated. 'lenient' (default): from the first event at or after it. 'strict': the call
   * fails with INVALID_ARGUMENT (as a server that can only seek to record boundaries might).
   */
  readonly positions?: 'lenient' | 'strict';
}

export interface TestServerRecord {
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as a decimal string. */
  readonly created: string;
  /** commit == prepare for every event (no explicit transactions). */
  readonly position: bigint;
}

type Expected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: number };
interface Proposed {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}
type AppendOutcome =
  | { ok: true; currentRevision: number; position: bigint }
  | { ok: false; current: number | null; expected: Expected };

interface Subscriber {
  deliver(record: TestServerRecord): void;
  close(): void;
}

const SYSTEM_EVENTS: Array<{ streamId: string; type: string; data: unknown }> = [
  { streamId: '$$$settings', type: '$metadata', data: { $acl: { $r: '$all' } } },
  { streamId: '$stats-127.0.0.1:2113', type: '$statsCollected', data: { proc: { mem: 1 } } },
  { streamId: '$scavenges', type: '$scavengeStarted', data: { scavengeId: 'x' } },
];

const STREAMS_SERVICE = 'event_store.client.streams.streams';

export class EsdbProtocolTestServer {
  private server: grpc.Server | null = null;
  private port = 0;
  private readonly log: TestServerRecord[] = [];
  private readonly streams = new Map<string, TestServerRecord[]>();
  private readonly subscribers = new Set<Subscriber>();
  private nextPosition = 0n;
  /** Calls received per method name, for tests that check which path the client took. */
  readonly calls: Record<string, number> = {};

  constructor(private readonly options: EsdbTestServerOptions) {
    for (const system of SYSTEM_EVENTS) {
      const data = Buffer.from(JSON.stringify(system.data));
      this.write(system.streamId, [
        { id: randomUUID(), type: system.type, contentType: 'application/json', data, customMetadata: new Uint8Array() },
      ]);
    }
  }

  get records(): readonly TestServerRecord[] {
    return this.log;
  }

  /** Appends a `$`-typed system event directly (as the server's own subsystems would). */
  writeSystemEvent(streamId: string, type: string): TestServerRecord {
    const [record] = this.write(streamId, [
      { id: randomUUID(), type, contentType: 'application/json', data: Buffer.from('{}'), customMetadata: new Uint8Array() },
    ]);
    return record!;
  }

  async start(): Promise<{ port: number; connectionString: string }> {
    if (this.server) throw new Error('already started');
    const server = new grpc.Server();
    server.addService(featuresGrpc.ServerFeaturesService, { getSupportedMethods: this.getSupportedMethods });
    server.addService(streamsGrpc.StreamsService, {
      read: this.read,
      append: this.append,
      batchAppend: this.batchAppend,
      delete: unimplemented,
      tombstone: unimplemented,
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.port}`, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.server = server;
    return { port: this.port, connectionString: this.connectionString };
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false&defaultDeadline=2000`;
  }

  /** Force shutdown: live subscriptions and in-flight calls are cut (clients see UNAVAILABLE/CANCELLED). */
  async stop(): Promise<void> {
    for (const subscriber of [...this.subscribers]) subscriber.close();
    this.subscribers.clear();
    this.server?.forceShutdown();
    this.server = null;
  }

  /** Starts again on the same port with the same stored events. */
  async restart(): Promise<void> {
    if (this.server) await this.stop();
    await this.start();
  }

  // ---------------------------------------------------------------- ServerFeatures
  private readonly getSupportedMethods = (_call: unknown, callback: grpc.sendUnaryData<unknown>): void => {
    this.count('getSupportedMethods');
    if (!this.options.batchAppend) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'Method not found' });
      return;
    }
    const method = (name: string): unknown => {
      const m = new featuresPb.SupportedMethod();
      m.setServiceName(STREAMS_SERVICE);
      m.setMethodName(name);
      return m;
    };
    const reply = new featuresPb.SupportedMethods();
    reply.setEventStoreServerVersion('23.10.0-test-double');
    reply.setMethodsList(['read', 'append', 'batchappend', 'delete', 'tombstone'].map(method));
    callback(null, reply);
  };

  // ---------------------------------------------------------------- Append (client streaming)
  private readonly append = (call: grpc.ServerReadableStream<any, any>, callback: grpc.sendUnaryData<unknown>): void => {
    this.count('append');
    let streamId: string | null = null;
    let expected: Expected = { kind: 'any' };
    const proposed: Proposed[] = [];
    call.on('data', (req: any) => {
      if (req.hasOptions()) {
        const options = req.getOptions();
        streamId = streamName(options.getStreamIdentifier());
        expected = options.hasNoStream()
          ? { kind: 'no_stream' }
          : options.hasStreamExists()
            ? { kind: 'stream_exists' }
            : options.hasRevision()
              ? { kind: 'revision', revision: Number(options.getRevision()) }
              : { kind: 'any' };
      } else if (req.hasProposedMessage()) {
        proposed.push(toProposed(req.getProposedMessage()));
      }
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (streamId === null) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no options' });
        return;
      }
      const outcome = this.tryAppend(streamId, expected, proposed);
      const reply = new streamsPb.AppendResp();
      if (outcome.ok) {
        const success = new streamsPb.AppendResp.Success();
        success.setCurrentRevision(String(outcome.currentRevision));
        const position = new streamsPb.AppendResp.Position();
        position.setCommitPosition(outcome.position.toString());
        position.setPreparePosition(outcome.position.toString());
        success.setPosition(position);
        reply.setSuccess(success);
      } else {
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
        if (outcome.current === null) wrong.setCurrentNoStream(new emptyPb.Empty());
        else wrong.setCurrentRevision(String(outcome.current));
        setExpected(wrong, outcome.expected, {
          any: 'setExpectedAny',
          noStream: 'setExpectedNoStream',
          exists: 'setExpectedStreamExists',
          revision: 'setExpectedRevision',
        });
        reply.setWrongExpectedVersion(wrong);
      }
      callback(null, reply);
    });
  };

  // ---------------------------------------------------------------- BatchAppend (bidi)
  private readonly batchAppend = (call: grpc.ServerDuplexStream<any, any>): void => {
    this.count('batchAppend');
    const pending = new Map<string, { streamId: string; expected: Expected; options: any; proposed: Proposed[]; correlation: any }>();
    call.on('data', (req: any) => {
      const correlation = req.getCorrelationId();
      const key = uuidToString(correlation);
      let entry = pending.get(key);
      if (!entry) {
        const options = req.getOptions();
        if (!options) return; // options come with the first request of a batch
        const expected: Expected = options.hasNoStream()
          ? { kind: 'no_stream' }
          : options.hasStreamExists()
            ? { kind: 'stream_exists' }
            : options.hasStreamPosition()
              ? { kind: 'revision', revision: Number(options.getStreamPosition()) }
              : { kind: 'any' };
        entry = { streamId: streamName(options.getStreamIdentifier()), expected, options, proposed: [], correlation };
        pending.set(key, entry);
      }
      for (const message of req.getProposedMessagesList()) entry.proposed.push(toProposed(message));
      if (!req.getIsFinal()) return;
      pending.delete(key);
      const outcome = this.tryAppend(entry.streamId, entry.expected, entry.proposed);
      const reply = new streamsPb.BatchAppendResp();
      reply.setCorrelationId(entry.correlation);
      reply.setStreamIdentifier(entry.options.getStreamIdentifier());
      setExpected(reply, entry.expected, { any: 'setAny', noStream: 'setNoStream', exists: 'setStreamExists', revision: 'setStreamPosition' });
      if (outcome.ok) {
        const success = new streamsPb.BatchAppendResp.Success();
        success.setCurrentRevision(String(outcome.currentRevision));
        const position = new sharedPb.AllStreamPosition();
        position.setCommitPosition(outcome.position.toString());
        position.setPreparePosition(outcome.position.toString());
        success.setPosition(position);
        reply.setSuccess(success);
      } else {
        const wrong = new sharedPb.WrongExpectedVersion();
        if (outcome.current === null) wrong.setCurrentNoStream(new emptyPb.Empty());
        else wrong.setCurrentStreamRevision(String(outcome.current));
        setExpected(wrong, outcome.expected, {
          any: 'setExpectedAny',
          noStream: 'setExpectedNoStream',
          exists: 'setExpectedStreamExists',
          revision: 'setExpectedStreamPosition',
        });
        const details = new anyPb.Any();
        details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
        const status = new statusPb.Status();
        status.setCode(codePb.Code.FAILED_PRECONDITION);
        status.setMessage('WrongExpectedVersion');
        status.setDetails(details);
        reply.setError(status);
      }
      call.write(reply);
    });
    call.on('error', () => undefined);
    call.on('end', () => call.end());
  };

  // ---------------------------------------------------------------- Read (reads + subscriptions)
  private readonly read = (call: grpc.ServerWritableStream<any, any>): void => {
    this.count('read');
    const options = call.request.getOptions();
    const backwards = options.getReadDirection() === 1;
    const subscription = options.hasSubscription();
    const count = options.hasCount() ? Number(options.getCount()) : Number.MAX_SAFE_INTEGER;
    const matches = this.filterOf(options);
    const send = (record: TestServerRecord): void => {
      if (matches(record)) call.write(toReadResp(record));
    };

    let catchUp: TestServerRecord[];
    let live: ((record: TestServerRecord) => boolean) | null = null;
    if (options.hasStream()) {
      const streamOptions = options.getStream();
      const id = streamName(streamOptions.getStreamIdentifier());
      const events = this.streams.get(id) ?? [];
      if (subscription) {
        // Subscriptions are exclusive of their start revision.
        const after = streamOptions.hasStart() ? -1 : streamOptions.hasEnd() ? Number.POSITIVE_INFINITY : Number(streamOptions.getRevision());
        catchUp = streamOptions.hasEnd() ? [] : events.filter((e) => e.revision > after);
        live = (record) => record.streamId === id;
      } else {
        if (this.streams.get(id) === undefined) {
          const notFound = new streamsPb.ReadResp.StreamNotFound();
          notFound.setStreamIdentifier(streamOptions.getStreamIdentifier());
          const resp = new streamsPb.ReadResp();
          resp.setStreamNotFound(notFound);
          call.write(resp);
          call.end();
          return;
        }
        if (backwards) {
          const from = streamOptions.hasEnd() ? Number.POSITIVE_INFINITY : streamOptions.hasStart() ? 0 : Number(streamOptions.getRevision());
          catchUp = events.filter((e) => e.revision <= from).reverse();
        } else {
          const from = streamOptions.hasStart() ? 0 : streamOptions.hasEnd() ? Number.POSITIVE_INFINITY : Number(streamOptions.getRevision());
          catchUp = events.filter((e) => e.revision >= from);
        }
      }
    } else {
      const all = options.getAll();
      let position: bigint | null = null;
      if (all.hasPosition()) {
        const p = all.getPosition();
        position = BigInt(p.getCommitPosition());
        if (BigInt(p.getPreparePosition()) !== position) {
          call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'prepare position differs from commit position' });
          return;
        }
        if (this.options.positions === 'strict' && position !== this.nextPosition && !this.log.some((r) => r.position === position)) {
          call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `invalid position ${position}` });
          return;
        }
      }
      if (subscription) {
        // Subscriptions are exclusive of their start position.
        catchUp = all.hasEnd() ? [] : all.hasStart() ? [...this.log] : this.log.filter((r) => r.position > position!);
        live = () => true;
      } else if (backwards) {
        // Reading backwards from a position gives the events before it.
        catchUp = (all.hasEnd() ? [...this.log] : all.hasStart() ? [] : this.log.filter((r) => r.position < position!)).reverse();
      } else {
        // Reads are inclusive: from the first event at or after the position.
        catchUp = all.hasStart() ? [...this.log] : all.hasEnd() ? [] : this.log.filter((r) => r.position >= position!);
      }
    }

    if (!subscription) {
      let sent = 0;
      for (const record of catchUp) {
        if (sent >= count) break;
        if (!matches(record)) continue;
        call.write(toReadResp(record));
        sent++;
      }
      call.end();
      return;
    }

    const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    const confirm = new streamsPb.ReadResp();
    confirm.setConfirmation(confirmation);
    call.write(confirm);
    for (const record of catchUp) send(record);
    const caughtUp = new streamsPb.ReadResp();
    caughtUp.setCaughtUp(new streamsPb.ReadResp.CaughtUp());
    call.write(caughtUp);
    const isLive = live!;
    const subscriber: Subscriber = {
      deliver: (record) => {
        if (isLive(record)) send(record);
      },
      close: () => call.destroy(new Error('server stopped')),
    };
    this.subscribers.add(subscriber);
    const drop = (): void => {
      this.subscribers.delete(subscriber);
    };
    call.on('cancelled', drop);
    call.on('close', drop);
    call.on('error', drop);
  };

  private filterOf(options: any): (record: TestServerRecord) => boolean {
    if (!options.hasFilter()) return () => true;
    const filter = options.getFilter();
    const onType = filter.hasEventType();
    const expression = onType ? filter.getEventType() : filter.getStreamIdentifier();
    const prefixes: string[] = expression.getPrefixList();
    const regex: string = expression.getRegex();
    const pattern = regex ? new RegExp(regex) : null;
    return (record) => {
      const subject = onType ? record.type : record.streamId;
      if (prefixes.length > 0 && !prefixes.some((p) => subject.startsWith(p))) return false;
      if (pattern && !pattern.test(subject)) return false;
      return true;
    };
  }

  // ---------------------------------------------------------------- storage
  private tryAppend(streamId: string, expected: Expected, proposed: Proposed[]): AppendOutcome {
    const events = this.streams.get(streamId) ?? [];
    const current = events.length === 0 ? null : events.length - 1;
    // Idempotence: the proposed ids already sit, in order, where this append would have put them.
    const start =
      expected.kind === 'revision' ? expected.revision + 1 : expected.kind === 'no_stream' ? 0 : proposed[0] ? events.findIndex((e) => e.id === proposed[0]!.id) : -1;
    if (proposed.length > 0 && start >= 0 && start + proposed.length <= events.length) {
      const stored = events.slice(start, start + proposed.length);
      if (stored.every((e, i) => e.id === proposed[i]!.id)) {
        const last = stored.at(-1)!;
        return { ok: true, currentRevision: last.revision, position: last.position };
      }
    }
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === null) ||
      (expected.kind === 'stream_exists' && current !== null) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!ok) return { ok: false, current, expected };
    if (proposed.length === 0) {
      return { ok: true, currentRevision: current ?? -1, position: this.log.at(-1)?.position ?? 0n };
    }
    const written = this.write(streamId, proposed);
    const last = written.at(-1)!;
    return { ok: true, currentRevision: last.revision, position: last.position };
  }

  private write(streamId: string, proposed: Proposed[]): TestServerRecord[] {
    const events = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, events);
    const created = (BigInt(Date.now()) * 10_000n).toString();
    const written: TestServerRecord[] = [];
    for (const p of proposed) {
      // Positions are byte offsets in the real log: they grow with gaps.
      const position = this.nextPosition;
      this.nextPosition += 100n + BigInt(p.data.length + p.customMetadata.length + streamId.length);
      const record: TestServerRecord = { ...p, streamId, revision: events.length, created, position };
      events.push(record);
      this.log.push(record);
      written.push(record);
    }
    for (const record of written) for (const subscriber of this.subscribers) subscriber.deliver(record);
    return written;
  }

  private count(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
  }
}

const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<unknown>): void =>
  callback({ code: grpc.status.UNIMPLEMENTED, details: 'not modelled by the test server' });

const streamName = (identifier: any): string => Buffer.from(identifier.getStreamName_asU8()).toString('utf8');

const uuidToString = (uuid: any): string => {
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured();
  const hex =
    BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const toProposed = (message: any): Proposed => {
  const metadata = message.getMetadataMap();
  return {
    id: uuidToString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
};

const setExpected = (
  target: any,
  expected: Expected,
  setters: { any: string; noStream: string; exists: string; revision: string },
): void => {
  switch (expected.kind) {
    case 'any':
      target[setters.any](new emptyPb.Empty());
      break;
    case 'no_stream':
      target[setters.noStream](new emptyPb.Empty());
      break;
    case 'stream_exists':
      target[setters.exists](new emptyPb.Empty());
      break;
    case 'revision':
      target[setters.revision](String(expected.revision));
      break;
  }
};

const toReadResp = (record: TestServerRecord): unknown => {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  id.setString(record.id);
  recorded.setId(id);
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(record.streamId, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(String(record.revision));
  recorded.setCommitPosition(record.position.toString());
  recorded.setPreparePosition(record.position.toString());
  recorded.getMetadataMap().set('type', record.type);
  recorded.getMetadataMap().set('content-type', record.contentType);
  recorded.getMetadataMap().set('created', record.created);
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.customMetadata);
  const event = new streamsPb.ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(record.position.toString());
  const resp = new streamsPb.ReadResp();
  resp.setEvent(event);
  return resp;
};
