import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { describeApiError } from '../graphql/errors';
import { appendPoints, mergeHistory, seriesFromHistory, seriesFromPoints, type LiveSeries } from './live-series';
import {
  CHART_POINTS,
  RUN_METRIC_HISTORY,
  RUN_METRICS_SOURCE,
  type MetricPoint,
  type RunMetricsEvent,
} from './operations';
import { useLiveStream, type LiveStreamState } from './useLiveStream';

// Live points are drawn in batches at most this often, however fast a run logs.
const DRAW_INTERVAL_MS = 150;

export interface RunMetricSeries {
  /** By metric key, in key order. */
  series: LiveSeries[];
  loading: boolean;
  error: string | null;
  live: LiveStreamState;
}

type LoggedPoint = RunMetricsEvent['points'][number];

/**
 * A run's metric histories (downsampled by the API to about a point per pixel), then every
 * point logged while the page is open, from `runMetrics`. The subscription starts at the
 * lowest latest step of the fetched series; a metric that first appears live has its history
 * fetched then, so points it logged before are not missing.
 */
export function useRunMetricSeries(runId: string): RunMetricSeries {
  const client = useClient();
  const [series, setSeries] = useState<Record<string, LiveSeries>>({});
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [fromStep, setFromStep] = useState<number | null | undefined>(undefined);
  const pending = useRef<LoggedPoint[]>([]);
  const drawTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const fetchingKeys = useRef(new Set<string>());
  const stopped = useRef(false);
  const seriesRef = useRef(series);
  seriesRef.current = series;

  const fetchHistory = useCallback(
    async (keys: string[] | null) => {
      const result = await client
        .query(RUN_METRIC_HISTORY, { id: runId, keys, points: CHART_POINTS }, { requestPolicy: 'network-only' })
        .toPromise();
      if (stopped.current) return null;
      const histories = result.data?.run?.metricHistory;
      if (!histories) {
        setError(result.error ? describeApiError(result.error) : 'The API answered without metric history.');
        return null;
      }
      return histories;
    },
    [client, runId],
  );

  useEffect(() => {
    stopped.current = false;
    void fetchHistory(null).then((histories) => {
      setLoading(false);
      if (!histories) return;
      setSeries(Object.fromEntries(histories.map((history) => [history.key, seriesFromHistory(history)])));
      const lastSteps = histories.flatMap((history) => (history.last ? [history.last.step] : []));
      setFromStep(lastSteps.length > 0 ? Math.min(...lastSteps) : null);
    });
    return () => {
      stopped.current = true;
      clearTimeout(drawTimer.current);
    };
  }, [fetchHistory]);

  const fetchNewKeys = useCallback(
    (keys: string[]) => {
      keys.forEach((key) => fetchingKeys.current.add(key));
      void fetchHistory(keys).then((histories) => {
        keys.forEach((key) => fetchingKeys.current.delete(key));
        if (!histories) return;
        setSeries((current) => {
          const next = { ...current };
          for (const history of histories)
            next[history.key] = mergeHistory(current[history.key], history, CHART_POINTS);
          return next;
        });
      });
    },
    [fetchHistory],
  );

  const draw = useCallback(() => {
    const points = pending.current;
    pending.current = [];
    const byKey = new Map<string, MetricPoint[]>();
    for (const { key, step, value, text, timestamp } of points) {
      const list = byKey.get(key) ?? [];
      list.push({ step, value, text, timestamp });
      byKey.set(key, list);
    }
    const newKeys = [...byKey.keys()].filter((key) => !seriesRef.current[key] && !fetchingKeys.current.has(key));
    setSeries((current) => {
      const next = { ...current };
      for (const [key, keyPoints] of byKey) {
        const existing = current[key];
        if (existing) {
          next[key] = appendPoints(existing, keyPoints, CHART_POINTS);
        } else {
          next[key] = seriesFromPoints(key, keyPoints, CHART_POINTS);
        }
      }
      return next;
    });
    if (newKeys.length > 0) fetchNewKeys(newKeys);
  }, [fetchNewKeys]);

  const onMetrics = useCallback(
    (event: RunMetricsEvent) => {
      if (event.runId !== runId || event.points.length === 0) return;
      pending.current.push(...event.points);
      if (drawTimer.current === undefined) {
        drawTimer.current = setTimeout(() => {
          drawTimer.current = undefined;
          draw();
        }, DRAW_INTERVAL_MS);
      }
    },
    [draw, runId],
  );

  const live = useLiveStream<RunMetricsEvent>(
    RUN_METRICS_SOURCE,
    'runMetrics',
    fromStep === undefined ? null : { runId, fromStep },
    onMetrics,
  );

  const ordered = Object.values(series).sort((a, b) => a.key.localeCompare(b.key));
  return { series: ordered, loading, error, live };
}
