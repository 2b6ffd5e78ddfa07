import type { BenchChild } from '../harness/child-processes.js';
import { describeFailures, type LoadResult } from '../harness/load.js';
import { formatNumber, formatRatio, markdownTable } from '../harness/markdown.js';
import { machineNote } from '../harness/process-usage.js';
import { median } from '../harness/statistics.js';

/** One gateway under test, running in its own process. */
export interface Gateway {
  name: string;
  child: BenchChild;
  url: string;
  expectBody: string;
  /** Subgraph requests for one query sent alone. */
  subgraphRequestsAlone: number;
}

/** What one load round measured for one gateway; CPU in seconds per answered query. */
export interface Sample {
  load: LoadResult;
  gatewayCpuPerRequest: number;
  subgraphCpuPerRequest: number;
  subgraphRequestsPerQuery: number;
}

/** The Markdown the federation benchmark prints: one row per gateway, then the ratios. */
export function report(input: {
  gateways: Gateway[];
  samples: Map<string, Sample[]>;
  rounds: number;
  seconds: number;
  connections: number;
  failedToStart: string[];
  loadBefore: number;
}): string {
  const { gateways, samples } = input;
  const ms = (v: number) => `${formatNumber(v)} ms`;
  const rows = gateways.map((g) => {
    const runs = samples.get(g.name)!;
    const m = (f: (s: Sample) => number) => median(runs.map(f));
    return [
      g.name,
      formatNumber(m((s) => s.load.rps)),
      runs.map((s) => formatNumber(s.load.rps)).join(' / '),
      ms(m((s) => s.load.p50)),
      ms(m((s) => s.load.p95)),
      ms(m((s) => s.gatewayCpuPerRequest * 1000)),
      ms(m((s) => s.subgraphCpuPerRequest * 1000)),
      ms(m((s) => (s.gatewayCpuPerRequest + s.subgraphCpuPerRequest) * 1000)),
      String(g.subgraphRequestsAlone),
      formatNumber(m((s) => s.subgraphRequestsPerQuery)),
      describeFailures(runs.map((s) => s.load)),
    ];
  });
  // every AITIP router variant against every other gateway
  const isOurs = (name: string) => name.startsWith('AITIP router');
  const ratioRows = gateways
    .filter((o) => isOurs(o.name))
    .flatMap((o) =>
      gateways
        .filter((g) => !isOurs(g.name))
        .map((g) => {
          const ours = samples.get(o.name)!;
          const peer = samples.get(g.name)!;
          // ratios within a round, then the median over rounds
          const r = (f: (s: Sample) => number) => formatRatio(median(ours.map((s, i) => f(s) / f(peer[i]!))));
          return [
            `${o.name} ÷ ${g.name}`,
            r((s) => s.load.rps),
            r((s) => s.load.p50),
            r((s) => s.load.p95),
            r((s) => s.gatewayCpuPerRequest),
            r((s) => s.gatewayCpuPerRequest + s.subgraphCpuPerRequest),
          ];
        }),
    );
  const out = [
    '## federation',
    '',
    `Four demo subgraphs (accounts, inventory, products, reviews; @apollo/subgraph + @apollo/server, one process), ` +
      `the nested query across all four, autocannon ${input.connections} connections, ` +
      `${input.rounds} alternating rounds × ${input.seconds} s per gateway; medians over rounds. ` +
      `CPU per request = utime+stime of the process over a steady window of each round ÷ queries answered in it.`,
    '',
    markdownTable(
      [
        'gateway',
        'RPS',
        'RPS per round',
        'p50',
        'p95',
        'gateway CPU / req',
        'subgraph CPU / req',
        'total CPU / req',
        'subgraph requests / query (alone)',
        'subgraph requests / query (under load)',
        'failed',
      ],
      rows,
    ),
    '',
    markdownTable(
      ['ratio (median of per-round ratios)', 'RPS', 'p50', 'p95', 'gateway CPU / req', 'total CPU / req'],
      ratioRows,
    ),
    '',
    `Machine: ${machineNote(input.loadBefore)}. Target: AITIP router RPS ≥ 1.0× @apollo/gateway.`,
  ];
  if (input.failedToStart.length)
    out.push('', 'Did not start:', ...input.failedToStart.map((f) => `- ${f.split('\n')[0]}`));
  return out.join('\n');
}
