import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { LedgerError } from '../domain/ledger-error.js';
import { ATTRIBUTES, inSpan } from './tracing.js';

/** What an ended span shows an exporter (the SDK's ReadableSpan, the fields these tests read). */
interface Ended {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly status: { code: number; message?: string };
  readonly events: readonly unknown[];
  readonly parentSpanContext?: { spanId: string };
  spanContext(): { traceId: string; spanId: string };
}

describe('inSpan with no OpenTelemetry SDK registered', () => {
  it('runs the work, hands it a span that records nothing, and returns its result', async () => {
    const result = await inSpan('ledger.test', { [ATTRIBUTES.commandType]: 'give-consent' }, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(trace.getActiveSpan()).toBeUndefined();
      return 42;
    });
    expect(result).toBe(42);
  });

  it('passes the error of the work on unchanged', async () => {
    const failure = new Error('store down');
    await expect(inSpan('ledger.test', {}, () => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('inSpan with the SDK registered', () => {
  const ended: Ended[] = [];
  const sdk = new NodeSDK({
    metricReaders: [],
    logRecordProcessors: [],
    spanProcessors: [
      {
        onStart: () => undefined,
        onEnd: (span) => void ended.push(span as unknown as Ended),
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      },
    ],
  });
  beforeAll(() => sdk.start());
  afterAll(() => sdk.shutdown());
  const endedNamed = (name: string) => ended.filter((span) => span.name === name);

  it('makes a span started inside the work its child, and ends both', async () => {
    await inSpan('outer', { [ATTRIBUTES.commandType]: 'give-consent' }, () => inSpan('inner', {}, async () => 1));
    const [outer] = endedNamed('outer');
    const [inner] = endedNamed('inner');
    expect(outer?.attributes).toEqual({ [ATTRIBUTES.commandType]: 'give-consent' });
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
  });

  it('starts a trace of its own for a root span, even inside another span', async () => {
    await inSpan('around', {}, () => inSpan('batch', {}, async () => 1, { root: true }));
    const [around] = endedNamed('around');
    const [batch] = endedNamed('batch');
    expect(batch?.parentSpanContext).toBeUndefined();
    expect(batch?.spanContext().traceId).not.toBe(around?.spanContext().traceId);
  });

  it('names a refusal by its code and leaves the status alone', async () => {
    const refusal = new LedgerError('subject-erased', 'The subject asha@example.com was erased.');
    await expect(inSpan('refused', {}, () => Promise.reject(refusal))).rejects.toBe(refusal);
    const [span] = endedNamed('refused');
    expect(span?.attributes).toEqual({ [ATTRIBUTES.errorType]: 'subject-erased' });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a failure as an error by its code or class, never by its message', async () => {
    const unavailable = new LedgerError('store-unavailable', 'The store at 10.0.0.7 did not answer.');
    await expect(inSpan('unavailable', {}, () => Promise.reject(unavailable))).rejects.toBe(unavailable);
    await expect(inSpan('crashed', {}, () => Promise.reject(new TypeError('cannot read asha@example.com')))).rejects.toThrow(TypeError);
    for (const [name, type] of [
      ['unavailable', 'store-unavailable'],
      ['crashed', 'TypeError'],
    ] as const) {
      const [span] = endedNamed(name);
      expect(span?.attributes).toEqual({ [ATTRIBUTES.errorType]: type });
      expect(span?.status).toEqual({ code: SpanStatusCode.ERROR });
      expect(span?.events).toEqual([]);
      expect(JSON.stringify({ attributes: span?.attributes, status: span?.status })).not.toMatch(/asha|10\.0\.0\.7/);
    }
  });
});
