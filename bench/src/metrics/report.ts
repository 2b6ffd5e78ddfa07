import { formatMiB, formatNumber, formatRatio, markdownTable } from '../harness/markdown.js';
import { median } from '../harness/statistics.js';
import type { HistoryRound } from './history.js';
import type { IngestRound } from './ingest.js';

export interface MetricsReport {
  writers: number;
  seconds: number;
  batchPoints: number;
  ingest: IngestRound[];
  history: HistoryRound[];
  historyRuns: number;
  historyRunPoints: number;
  historyPoints: number;
  platformPeak: number;
  machine: string;
}

const INGEST_TARGET = 200_000;
const INGEST_RATIO_TARGET = 0.5;

/** The Markdown the metrics benchmark prints: ingestion and history tables, then the targets. */
export function metricsReport(r: MetricsReport): string {
  const perRound = (f: (round: IngestRound) => number) => r.ingest.map((round) => formatNumber(f(round))).join(' / ');
  const rate = median(r.ingest.map((x) => x.platform.pointsPerSecond));
  const raw = median(r.ingest.map((x) => x.raw.pointsPerSecond));
  const ratio = median(r.ingest.map((x) => x.platform.pointsPerSecond / x.raw.pointsPerSecond));
  const rawChunks = median(r.ingest.map((x) => x.rawChunks.pointsPerSecond));
  const chunkRatio = median(r.ingest.map((x) => x.platform.pointsPerSecond / x.rawChunks.pointsPerSecond));
  const ingestTable = markdownTable(
    ['path', 'points/s (median)', 'each round', 'points per round', 'call median / p99'],
    [
      [
        `log-batch via the router (${r.writers} writers, ${r.batchPoints} points per call)`,
        formatNumber(rate),
        perRound((x) => x.platform.pointsPerSecond),
        perRound((x) => x.platform.points),
        `${formatNumber(median(r.ingest.map((x) => x.platform.callMedianMs ?? 0)))} / ${formatNumber(median(r.ingest.map((x) => x.platform.callP99Ms ?? 0)))} ms`,
      ],
      [
        `raw COPY, a row per point (${r.writers} connections)`,
        formatNumber(raw),
        perRound((x) => x.raw.pointsPerSecond),
        perRound((x) => x.raw.points),
        '–',
      ],
      [
        `raw COPY of the same chunks into metric_chunks (${r.writers} connections)`,
        formatNumber(rawChunks),
        perRound((x) => x.rawChunks.pointsPerSecond),
        perRound((x) => x.rawChunks.points),
        '–',
      ],
    ],
  );
  const historyTable = markdownTable(
    ['path', 'latency (median)', 'min / max', 'points returned', 'response'],
    [
      [
        `metricHistories via the router (${r.historyPoints} points per run)`,
        `${formatNumber(median(r.history.map((h) => h.platformMs)))} ms`,
        `${formatNumber(Math.min(...r.history.map((h) => h.platformMs)))} / ${formatNumber(Math.max(...r.history.map((h) => h.platformMs)))} ms`,
        String(r.history[0]?.platformPoints ?? 0),
        `${formatNumber((r.history[0]?.platformBytes ?? 0) / 1024)} KiB`,
      ],
      [
        'raw SQL, every point (pg)',
        `${formatNumber(median(r.history.map((h) => h.rawMs)))} ms`,
        `${formatNumber(Math.min(...r.history.map((h) => h.rawMs)))} / ${formatNumber(Math.max(...r.history.map((h) => h.rawMs)))} ms`,
        String(r.history[0]?.rawRows ?? 0),
        '–',
      ],
    ],
  );
  const historyRatio = median(r.history.map((h) => h.platformMs / h.rawMs));
  return [
    '## metrics',
    '',
    `${r.ingest.length} rounds of ${r.seconds} s; each round first logs through the platform, then COPYs as many points raw: one row per point into a table of that shape (\`public.reference_metric_points\`, with the series index), then as the platform's chunks into \`experiments.metric_chunks\`. One PostgreSQL database (127.0.0.1:5432) holds all of them.`,
    '',
    '### Ingestion',
    '',
    ingestTable,
    '',
    `Platform ÷ raw COPY (a row per point) per round: ${r.ingest.map((x) => formatRatio(x.platform.pointsPerSecond / x.raw.pointsPerSecond)).join(' / ')} (median ${formatRatio(ratio)}).`,
    `Platform ÷ raw COPY of the same chunks per round: ${r.ingest.map((x) => formatRatio(x.platform.pointsPerSecond / x.rawChunks.pointsPerSecond)).join(' / ')} (median ${formatRatio(chunkRatio)}).`,
    '',
    `### History: ${r.historyRuns} runs × ${r.historyRunPoints} points, ${r.history.length} repetitions`,
    '',
    historyTable,
    '',
    `Platform ÷ raw latency (median of the per-repetition ratios): ${formatRatio(historyRatio)}. Platform process peak RSS (VmHWM): ${formatMiB(r.platformPeak)}.`,
    '',
    `Machine: ${r.machine}.`,
    '',
    'Against the targets:',
    `- ingestion: ${formatNumber(rate)} points/s against ≥ ${INGEST_TARGET}, ${rate >= INGEST_TARGET ? 'met' : 'missed'}`,
    `- ingestion vs raw COPY of the points (a row each): ${formatRatio(ratio)} against ≥ ${formatRatio(INGEST_RATIO_TARGET)}, ${ratio >= INGEST_RATIO_TARGET ? 'met' : 'missed'}`,
    `- ingestion vs raw COPY of the same chunks: ${formatRatio(chunkRatio)} (the floor of what the platform adds: HTTP, JSON, the router, checks, the summary upsert)`,
    '',
  ].join('\n');
}
