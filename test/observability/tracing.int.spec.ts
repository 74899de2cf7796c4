import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newDataDir, removeDataDir } from '../support/ledger-app.js';
import { spawnLedger, type LedgerProcess } from '../support/ledger-process.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { eventually } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';

const SERVER = 2; // SpanKind.SERVER in OTLP

/**
 * A preload for the child ledger that writes down every module it resolves from the
 * OpenTelemetry SDK or @fastify/otel (through a module resolve hook), so a test can tell
 * whether the SDK was loaded at all.
 */
const moduleWatch = (dir: string): { env: Record<string, string>; loaded: () => string[] } => {
  const log = join(dir, 'sdk-modules.log');
  const hooks = join(dir, 'sdk-modules.hooks.mjs');
  const preload = join(dir, 'sdk-modules.preload.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/@opentelemetry\\/sdk-|@opentelemetry\\/exporter-|@fastify\\/otel/.test(result.url)) appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}
`,
  );
  writeFileSync(preload, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  return {
    env: { NODE_OPTIONS: `--import=${preload}` },
    loaded: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line !== '')
        : [],
  };
};

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('OpenTelemetry traces of the built ledger', () => {
  describe('with OTEL_EXPORTER_OTLP_ENDPOINT set, one consent sent under a caller traceparent', () => {
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const tenant = newTenant();
    const subject = newSubject();
    const path = `${subjectPath(tenant, subject)}/consents`;
    // Unique values, so finding one anywhere in the export can only mean it leaked from this request.
    const personal = {
      contact: `mira.${randomUUID().slice(0, 8)}@example.com`,
      ipAddress: `198.51.100.${1 + Math.floor(Math.random() * 250)}`,
      userAgent: `Mozilla/5.0 (TraceCheck ${randomUUID().slice(0, 8)})`,
      correlationHeader: `ticket-${randomUUID().slice(0, 8)}`,
    };
    let dataDir: string;
    let receiver: OtlpReceiver;
    let ledger: LedgerProcess;
    let watch: ReturnType<typeof moduleWatch>;
    let answer: { status: number; body: { events: { type: string; globalPosition: number }[] } };
    let spans: ReceivedSpan[];

    beforeAll(async () => {
      dataDir = newDataDir();
      receiver = await startOtlpReceiver();
      watch = moduleWatch(dataDir);
      ledger = await spawnLedger({
        dataDir,
        mongodbUrl: null,
        env: {
          ...watch.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: 'ledger-under-test',
          // Export every 100 ms instead of every 5 s.
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
      });
      answer = await ledger.post(
        path,
        consentBody({ evidence: { contact: personal.contact, ipAddress: personal.ipAddress, userAgent: personal.userAgent } }),
        {
          traceparent: `00-${traceId}-${callerSpanId}-01`,
          'idempotency-key': randomUUID(),
          'x-correlation-id': personal.correlationHeader,
        },
      );
      const position = answer.body.events[0]?.globalPosition ?? -1;
      // Done when the request's append and a projection batch holding its event have arrived.
      spans = await eventually(
        async () => receiver.spans(),
        (all) =>
          all.some((s) => s.traceId === traceId && s.name === 'ledger.append') &&
          all.some((s) => s.name === 'ledger.projection.batch' && Number(s.attributes['ledger.position.last']) >= position),
        20_000,
      );
    }, 120_000);

    afterAll(async () => {
      await ledger?.stop();
      await receiver?.close();
      removeDataDir(dataDir);
    });

    const inTrace = () => spans.filter((s) => s.traceId === traceId);
    const named = (name: string) => inTrace().filter((s) => s.name === name);
    const only = (list: ReceivedSpan[], what: string): ReceivedSpan => {
      expect({ what, count: list.length }).toEqual({ what, count: 1 });
      return list[0]!;
    };
    /** The span's parents up to the trace's root (the caller's span is not exported). */
    const ancestorsOf = (span: ReceivedSpan): string[] => {
      const byId = new Map(inTrace().map((s) => [s.spanId, s]));
      const chain: string[] = [];
      for (let parent = byId.get(span.parentSpanId); parent !== undefined; parent = byId.get(parent.parentSpanId)) {
        chain.push(parent.spanId);
      }
      return chain;
    };

    it('answers the consent and exports only OTLP/JSON trace requests', () => {
      expect(answer.status).toBe(201);
      expect(receiver.rejected()).toEqual([]);
      expect(spans.every((s) => s.serviceName === 'ledger-under-test')).toBe(true);
    });

    it("makes the request span a server span, child of the caller's traceparent, named by the route pattern", () => {
      const request = only(
        inTrace().filter((s) => s.parentSpanId === callerSpanId),
        'spans whose parent is the caller span',
      );
      expect(request.kind).toBe(SERVER);
      expect(request.name).toBe('POST /v1/tenants/:tenantId/subjects/:subjectId/consents');
      expect(request.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/v1/tenants/:tenantId/subjects/:subjectId/consents',
        'url.path': '/v1/tenants/:tenantId/subjects/:subjectId/consents',
        'http.response.status_code': 201,
      });
    });

    it('puts the command span under the request span, and the decision and the append under the command', () => {
      const request = only(
        inTrace().filter((s) => s.parentSpanId === callerSpanId),
        'request span',
      );
      const command = only(named('ledger.command'), 'ledger.command');
      const decide = only(named('ledger.decide'), 'ledger.decide');
      const append = only(named('ledger.append'), 'ledger.append');
      expect(ancestorsOf(command)).toContain(request.spanId);
      expect(decide.parentSpanId).toBe(command.spanId);
      expect(append.parentSpanId).toBe(command.spanId);
      expect(command.attributes).toMatchObject({ 'ledger.command.type': 'give-consent', 'ledger.command.outcome': 'created' });
      expect(decide.attributes).toMatchObject({
        'ledger.tenant.id': tenant,
        'ledger.stream.kind': 'subject',
        'ledger.attempt': 1,
        'ledger.events.count': answer.body.events.length,
      });
      const position = answer.body.events.at(-1)!.globalPosition;
      expect(append.attributes).toMatchObject({
        'ledger.stream.kind': 'subject',
        'ledger.stream.expected_revision': -1,
        'ledger.events.types': [...new Set(answer.body.events.map((e) => e.type))],
        'ledger.position.last': position,
      });
    });

    it('exports the projection batches that applied the event as traces of their own', () => {
      const position = answer.body.events[0]!.globalPosition;
      const batches = spans.filter(
        (s) =>
          s.name === 'ledger.projection.batch' &&
          Number(s.attributes['ledger.position.first']) <= position &&
          Number(s.attributes['ledger.position.last']) >= position,
      );
      expect(batches.length).toBeGreaterThan(0);
      for (const batch of batches) {
        expect(batch.parentSpanId).toBe('');
        expect(batch.traceId).not.toBe(traceId);
        expect(typeof batch.attributes['ledger.projection.name']).toBe('string');
        expect(Number(batch.attributes['ledger.events.count'])).toBeGreaterThan(0);
      }
    });

    it('exports no personal value of the request, no subject id and no concrete path, anywhere', () => {
      const exported = receiver.bodies().join('\n');
      expect(exported).toContain(traceId);
      for (const value of [...Object.values(personal), subject, encodeURIComponent(subject), path]) {
        expect({ value, found: exported.includes(value) }).toEqual({ value, found: false });
      }
    });

    it('loaded the OpenTelemetry SDK (the module watch sees it)', () => {
      expect(watch.loaded().some((url) => url.includes('@opentelemetry/sdk-node'))).toBe(true);
    });
  });

  describe('with no OTLP endpoint set', () => {
    it('loads neither the OpenTelemetry SDK nor @fastify/otel, and still answers commands', async () => {
      const dataDir = newDataDir();
      const watch = moduleWatch(dataDir);
      const ledger = await spawnLedger({ dataDir, mongodbUrl: null, env: watch.env });
      try {
        const answer = await ledger.post(`${subjectPath(newTenant(), newSubject())}/consents`, consentBody(), {
          traceparent: `00-${hex(16)}-${hex(8)}-01`,
        });
        expect(answer.status).toBe(201);
        expect(watch.loaded()).toEqual([]);
      } finally {
        await ledger.stop();
        removeDataDir(dataDir);
      }
    }, 120_000);
  });
});
