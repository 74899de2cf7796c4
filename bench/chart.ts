import { readFileSync, writeFileSync } from 'node:fs';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Draws bench/results/commands.json as docs/performance-commands.svg: requests/s against
 * connections (ledger, store ceiling and baseline), and p99 against connections, side by side. Rendered
 * headless (vega's SVG renderer, no canvas); the same JSON always gives the same file.
 * Usage: npm run bench:chart [-- results.json output.svg]
 */
const input = process.argv[2] ?? 'bench/results/commands.json';
const output = process.argv[3] ?? 'docs/performance-commands.svg';

interface Row {
  connections: number;
  requestsPerSecond: number;
  p99Ms: number;
}
interface Results {
  at: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverage: number[] };
  config: { secondsPerRun: number };
  ledger: Row[];
  baseline: Row[];
  /** Absent in results from before the store ceiling was measured. */
  storeCeiling?: Row[];
}
const results = JSON.parse(readFileSync(input, 'utf8')) as Results;
const values = [
  ...results.ledger.map((row) => ({ server: 'ledger (command mix, durable)', ...pick(row) })),
  ...results.baseline.map((row) => ({ server: 'baseline (validation only)', ...pick(row) })),
  ...(results.storeCeiling ?? []).map((row) => ({ server: 'store ceiling (baseline + durable append)', ...pick(row) })),
].sort((a, b) => a.server.localeCompare(b.server) || a.connections - b.connections);

function pick(row: Row) {
  return { connections: row.connections, requestsPerSecond: row.requestsPerSecond, p99Ms: row.p99Ms };
}

const connections = [...new Set(values.map((v) => v.connections))].sort((a, b) => a - b);
const panel = (field: 'requestsPerSecond' | 'p99Ms', title: string) => ({
  width: 300,
  height: 220,
  title,
  mark: { type: 'line' as const, point: true },
  encoding: {
    x: { field: 'connections', type: 'ordinal' as const, sort: connections, title: 'connections', axis: { labelAngle: 0 } },
    y: { field, type: 'quantitative' as const, title: field === 'p99Ms' ? 'p99 (ms)' : 'requests/s' },
    color: { field: 'server', type: 'nominal' as const, title: null, legend: { orient: 'bottom' as const, labelLimit: 400 } },
  },
});
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: {
    text: 'Commands: throughput and p99 against connections',
    // The load average says whether the machine was quiet: figures from a busy one are not final.
    subtitle: `${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}, ${results.config.secondsPerRun} s per point, load average ${results.machine.loadAverage[0]} at start, ${results.at.slice(0, 10)}`,
  },
  data: { values },
  hconcat: [
    panel('requestsPerSecond', 'requests/s'),
    {
      // The target of issue 8 (p99 <= 25 ms at 50 connections) as a dashed rule.
      layer: [
        panel('p99Ms', 'p99 latency (dashed: 25 ms target)'),
        {
          data: { values: [{ target: 25 }] },
          mark: { type: 'rule' as const, strokeDash: [4, 4], color: 'grey' },
          encoding: { y: { field: 'target', type: 'quantitative' as const } },
        },
      ],
    },
  ],
  config: { font: 'sans-serif' },
};

const view = new View(parse(compile(spec).spec), { renderer: 'none' });
const svg = await view.toSVG();
view.finalize();
writeFileSync(output, `${svg}\n`);
console.log(`wrote ${output}`);
