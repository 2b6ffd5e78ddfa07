import { formatNumber, formatRatio, markdownTable } from '../harness/markdown.js';
import { median } from '../harness/statistics.js';
import type { LogPathResult } from './lines.js';

export type LogPath = 'platform' | 'redis' | 'pipe';

export interface TrainingReport {
  lines: number;
  logs: Array<Record<LogPath, LogPathResult>>;
  starts: { local: number[]; docker: number[]; bare: number[] };
  image: string;
  machine: string;
}

const DELIVERED_TARGET = 50_000;
const P99_TARGET_MS = 500;
const REDIS_RATIO_TARGET = 0.8;

const LABELS: Record<LogPath, string> = {
  platform: 'platform: job (local backend) → worker → Redis stream → router → graphql-ws subscriber',
  redis: 'minimal script: the pipe → XADD per line (pipelined) → XREAD BLOCK reader',
  pipe: 'ceiling: the same program piped straight to a file',
};

/** The Markdown the training benchmark prints. */
export function trainingReport(r: TrainingReport): string {
  const ms = (v: number | null) => (v === null ? '–' : `${formatNumber(v)} ms`);
  const logRows = (['platform', 'redis', 'pipe'] as const).map((path) => {
    const results = r.logs.map((round) => round[path]);
    return [
      LABELS[path],
      formatNumber(median(results.map((x) => x.linesPerSecond))),
      results.map((x) => formatNumber(x.linesPerSecond)).join(' / '),
      ms(path === 'pipe' ? null : median(results.map((x) => x.p50Ms ?? 0))),
      ms(path === 'pipe' ? null : median(results.map((x) => x.p99Ms ?? 0))),
    ];
  });
  const rate = median(r.logs.map((x) => x.platform.linesPerSecond));
  const p99 = median(r.logs.map((x) => x.platform.p99Ms ?? 0));
  const ratio = median(r.logs.map((x) => x.platform.linesPerSecond / x.redis.linesPerSecond));
  const startRows = (
    [
      ['submit → RUNNING, local backend (`true`)', r.starts.local],
      [`submit → RUNNING, Docker backend (\`${r.image}\`, \`true\`)`, r.starts.docker],
      [`bare \`docker run --rm --network none ${r.image} echo up\` until \`up\``, r.starts.bare],
    ] as const
  ).map(([label, values]) => [
    label,
    ms(median(values)),
    `${formatNumber(Math.min(...values))} / ${formatNumber(Math.max(...values))} ms`,
  ]);
  return [
    '## training',
    '',
    `### Logs: ${r.lines} lines of 100 bytes, ${r.logs.length} rounds (paths rotated each round)`,
    '',
    markdownTable(['path', 'lines/s delivered (median)', 'each round', 'p50 print → receipt', 'p99'], logRows),
    '',
    `Platform ÷ minimal Redis Stream script per round: ${r.logs.map((x) => formatRatio(x.platform.linesPerSecond / x.redis.linesPerSecond)).join(' / ')} (median ${formatRatio(ratio)}).`,
    '',
    `### Start latency: median of ${r.starts.local.length}`,
    '',
    markdownTable(['path', 'median', 'min / max'], startRows),
    '',
    `Machine: ${r.machine}.`,
    '',
    'Against the targets:',
    `- delivered: ${formatNumber(rate)} lines/s against ≥ ${DELIVERED_TARGET}, ${rate >= DELIVERED_TARGET ? 'met' : 'missed'}`,
    `- p99 print → receipt: ${formatNumber(p99)} ms against ≤ ${P99_TARGET_MS} ms, ${p99 <= P99_TARGET_MS ? 'met' : 'missed'}`,
    `- vs the minimal Redis Stream script: ${formatRatio(ratio)} against ≥ ${formatRatio(REDIS_RATIO_TARGET)}, ${ratio >= REDIS_RATIO_TARGET ? 'met' : 'missed'}`,
    '',
  ].join('\n');
}
