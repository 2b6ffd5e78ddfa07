import type { Bus, Logger } from '@aitip/kit';
import type { ExperimentsSettings } from '../settings.js';
import { numberOrText } from '../numbers.js';
import { experimentRunsStream, runMetricsStream } from '../storage-keys.js';
import type { MetricInput, RunRecord } from './api.js';

/** A logged point as a stream entry carries it: `[key, step, value, timestamp]`, non-finite values as text. */
export type StreamedPoint = [string, number, number | string, number];

/** What changed about a run, as runUpdated reports it. */
export type RunChange = 'created' | 'updated' | 'deleted' | 'restored';

/**
 * How long a run's metric stream stays after the run ends: subscribers a little behind still get the
 * last batches, then the stream's memory is freed (the points stay in the database).
 */
const ENDED_STREAM_LINGER_MS = 60_000;

/**
 * Appends to the bus streams the subscriptions read. The database is the record: an append that
 * fails is logged and does not fail the call that already committed (failing it would make a client
 * retry, and log its metrics twice).
 */
export class LiveFeeds {
  constructor(
    private readonly bus: Bus,
    private readonly settings: ExperimentsSettings,
    private readonly log: Logger,
  ) {}

  /** One entry per committed batch, for runMetrics. */
  async metrics(orgId: string, runId: string, metrics: readonly MetricInput[]): Promise<void> {
    if (metrics.length === 0) return;
    let maxStep = -Infinity;
    const points = metrics.map((p): StreamedPoint => {
      if (p.step > maxStep) maxStep = p.step;
      return [p.key, p.step, numberOrText(p.value), p.timestamp];
    });
    await this.append(
      runMetricsStream(orgId, runId),
      { runId, maxStep, points: JSON.stringify(points) },
      this.settings.EXPERIMENTS_METRIC_STREAM_MAX_LEN,
    );
  }

  /** One entry per run change, for runUpdated. */
  async run(run: RunRecord, change: RunChange): Promise<void> {
    await this.append(
      experimentRunsStream(run.orgId, run.experimentId),
      { runId: run.id, experimentId: run.experimentId, status: run.status, change },
      this.settings.EXPERIMENTS_RUN_STREAM_MAX_LEN,
    );
  }

  /**
   * The run ended: its metric stream goes after a while. A restart in between leaves the stream as
   * it is, bounded by EXPERIMENTS_METRIC_STREAM_MAX_LEN.
   */
  ended(orgId: string, runId: string): void {
    const stream = runMetricsStream(orgId, runId);
    const timer = setTimeout(() => {
      this.bus
        .delete(stream)
        .catch((err: unknown) => this.log.warn({ err, stream }, "could not remove an ended run's stream"));
    }, ENDED_STREAM_LINGER_MS);
    timer.unref();
  }

  private async append(stream: string, entry: Record<string, unknown>, maxLen: number): Promise<void> {
    try {
      await this.bus.append(stream, entry, { maxLen });
    } catch (err) {
      this.log.warn({ err, stream }, 'could not append to a live stream; subscribers miss this event');
    }
  }
}
