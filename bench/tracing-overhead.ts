import { ATTRIBUTES, SPANS, inSpan } from '../src/platform/tracing.js';

/**
 * What the ledger's own spans cost a command when tracing is off (no SDK registered, so
 * `@opentelemetry/api`'s no-op tracer): the three spans of a command (`ledger.command` around
 * `ledger.decide` and `ledger.append`, with the attributes the write path gives them) against
 * the same three awaited steps without spans. Rounds alternate between the two so that a
 * machine busy with other work slows both alike; the median round of each is printed.
 * Usage: npm run bench:build && node dist-bench/bench/tracing-overhead.js [commands per round] [rounds]
 */
const perRound = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 9);

const step = async (): Promise<number> => 1;

const plain = async (): Promise<number> => {
  await step();
  await step();
  return step();
};

const traced = (): Promise<number> =>
  inSpan(SPANS.command, { [ATTRIBUTES.commandType]: 'give-consent' }, async (command) => {
    await inSpan(
      SPANS.decide,
      { [ATTRIBUTES.tenantId]: 't-1', [ATTRIBUTES.streamKind]: 'subject', [ATTRIBUTES.attempt]: 1 },
      async (span) => {
        span.setAttribute(ATTRIBUTES.eventCount, 1);
        return step();
      },
    );
    await inSpan(
      SPANS.append,
      {
        [ATTRIBUTES.tenantId]: 't-1',
        [ATTRIBUTES.streamKind]: 'subject',
        [ATTRIBUTES.attempt]: 1,
        [ATTRIBUTES.expectedRevision]: -1,
        [ATTRIBUTES.eventCount]: 1,
      },
      async (span) => {
        if (span.isRecording()) span.setAttribute(ATTRIBUTES.eventTypes, ['consent-given']);
        const result = await step();
        span.setAttributes({ [ATTRIBUTES.firstPosition]: 1, [ATTRIBUTES.lastPosition]: 1 });
        return result;
      },
    );
    command.setAttribute(ATTRIBUTES.commandOutcome, 'created');
    return step();
  });

/** Nanoseconds of CPU (user + system) per command over one round. */
const round = async (command: () => Promise<number>): Promise<number> => {
  const before = process.cpuUsage();
  for (let i = 0; i < perRound; i++) await command();
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / perRound;
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Warm-up: let both be optimised before anything is counted.
await round(plain);
await round(traced);
const results = { plain: [] as number[], traced: [] as number[] };
for (let i = 0; i < rounds; i++) {
  results.plain.push(await round(plain));
  results.traced.push(await round(traced));
}
const [without, withSpans] = [median(results.plain), median(results.traced)];
console.log(`${rounds} rounds of ${perRound} commands, CPU time per command (median round):`);
console.log(`  three awaited steps, no spans:     ${without.toFixed(0)} ns`);
console.log(`  the same in the three no-op spans: ${withSpans.toFixed(0)} ns`);
console.log(`  the spans cost:                    ${(withSpans - without).toFixed(0)} ns per command`);
