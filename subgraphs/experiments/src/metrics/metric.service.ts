import { isUuid } from '@aitip/kit';
import type { MetricPoint, MetricSeries, RunComparison, TrackingService } from '../tracking/api.js';
import { findRun, inOrg, type TrackingContext } from '../tracking/context.js';
import { checkKey, doesNotExist, invalidParameter } from '../tracking/validate.js';
import { runStore } from '../runs/run.store.js';
import { downsample } from './downsample.js';
import { metricStore, type HistoryPosition } from './metric.store.js';

/** Most runs one metricHistories or compareRuns call takes (the compare view's limit). */
export const MAX_RUNS_PER_CALL = 100;
/** Most points one downsampled series may keep. */
export const MAX_POINTS_PER_SERIES = 10_000;
/** Most points one page of get-history may hold. */
const MAX_HISTORY_PAGE = 1_000_000;

type MetricMethods = Pick<TrackingService, 'getMetricHistory' | 'metricHistories' | 'compareRuns'>;

interface HistoryToken extends HistoryPosition {
  run: string;
  key: string;
}

function encodeToken(token: HistoryToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, runId: string, key: string): HistoryPosition {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString()) as HistoryToken;
    if (
      t.run === runId &&
      t.key === key &&
      Number.isSafeInteger(t.step) &&
      Number.isSafeInteger(t.timestamp) &&
      Number.isSafeInteger(t.seen) &&
      t.seen > 0
    ) {
      return { step: t.step, timestamp: t.timestamp, seen: t.seen };
    }
  } catch {
    // reported below
  }
  throw invalidParameter(
    'Invalid page token: pass the next_page_token of the previous page of this metric, unchanged.',
    { field: 'page_token' },
  );
}

function checkRunIds(runIds: readonly string[]): string[] {
  if (runIds.length > MAX_RUNS_PER_CALL) {
    throw invalidParameter(`Ask for at most ${MAX_RUNS_PER_CALL} runs at once; got ${runIds.length}.`, {
      field: 'runIds',
    });
  }
  return [...new Set(runIds)];
}

/** Smallest and largest finite value, or null when the series has none. */
function extent(points: readonly MetricPoint[]): { min: number | null; max: number | null } {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    if (p.value < min) min = p.value;
    if (p.value > max) max = p.value;
  }
  return min === Infinity ? { min: null, max: null } : { min, max };
}

/** Metric histories, downsampled series and run comparison. */
export function metricService(ctx: TrackingContext): MetricMethods {
  return {
    async getMetricHistory(actor, runId, key, page) {
      checkKey('metric', key);
      const limit = page.maxResults;
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE)) {
        throw invalidParameter(`max_results must be between 1 and ${MAX_HISTORY_PAGE}; got ${limit}.`, {
          field: 'max_results',
        });
      }
      return inOrg(ctx, actor, async (m) => {
        const run = await findRun(m, actor, runId);
        const from = page.pageToken ? decodeToken(page.pageToken, run.id, key) : null;
        // one more than asked tells whether another page follows
        const points = await metricStore.page(
          m,
          actor.orgId,
          run.id,
          key,
          from,
          limit === undefined ? null : limit + 1,
        );
        if (limit === undefined || points.length <= limit) return { items: points, nextPageToken: null };
        const items = points.slice(0, limit);
        const last = items.at(-1)!;
        let seen = 0;
        for (
          let i = items.length - 1;
          i >= 0 && items[i]!.step === last.step && items[i]!.timestamp === last.timestamp;
          i--
        ) {
          seen++;
        }
        // a page made entirely of one (step, timestamp) continues the previous page's count
        if (from && seen === items.length && from.step === last.step && from.timestamp === last.timestamp) {
          seen += from.seen;
        }
        const token = encodeToken({ run: run.id, key, step: last.step, timestamp: last.timestamp, seen });
        return { items, nextPageToken: token };
      });
    },

    async metricHistories(actor, runIds, keys, points): Promise<MetricSeries[]> {
      const ids = checkRunIds(runIds).filter(isUuid);
      if (!Number.isSafeInteger(points) || points < 2 || points > MAX_POINTS_PER_SERIES) {
        throw invalidParameter(`points must be between 2 and ${MAX_POINTS_PER_SERIES}; got ${points}.`, {
          field: 'points',
        });
      }
      const wanted = keys === null ? null : [...new Set(keys)];
      if (ids.length === 0 || wanted?.length === 0) return [];
      const series = await inOrg(ctx, actor, (m) => metricStore.series(m, actor.orgId, ids, wanted));
      return series.map((s) => {
        const { min, max } = extent(s.points);
        const downsampled = s.points.length > points;
        return {
          runId: s.runId,
          key: s.key,
          points: downsampled ? downsample(s.points, points) : s.points,
          total: s.points.length,
          min,
          max,
          last: s.points.at(-1) ?? null,
          downsampled,
        };
      });
    },

    async compareRuns(actor, runIds): Promise<RunComparison> {
      const ids = checkRunIds(runIds);
      const runs = await inOrg(ctx, actor, async (m) => {
        const found = await runStore.byIds(m, actor.orgId, ids);
        const missing = ids.find((id) => !found.some((r) => r.id === id));
        if (missing) throw doesNotExist(`Run with id=${missing} not found in this organization.`);
        return runStore.withData(m, actor.orgId, found);
      });
      const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
      const metricKeys = [...new Set(runs.flatMap((r) => r.metrics.map((x) => x.key)))].sort();
      return {
        runs,
        params: paramKeys.map((key) => {
          const values = runs.map((r) => r.params[key] ?? null);
          return { key, values, differs: new Set(values).size > 1 };
        }),
        metrics: metricKeys.map((key) => {
          const summaries = runs.map((r) => r.metrics.find((x) => x.key === key));
          const finite = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
          return {
            key,
            last: summaries.map((s) => (s ? s.value : null)),
            min: summaries.map((s) => finite(s?.min)),
            max: summaries.map((s) => finite(s?.max)),
          };
        }),
      };
    },
  };
}
