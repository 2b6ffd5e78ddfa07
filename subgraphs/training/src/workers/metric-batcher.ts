import type { Logger } from '@aitip/kit';
import type { ExperimentsClient, MetricPoint, RunOwner } from '../jobs/experiments-client.js';
import type { ReportedMetrics } from './metric-lines.js';

/** Points per log-batch call (MLflow's limit). */
const MAX_POINTS = 1_000;
const FLUSH_MS = 500;

/**
 * Sends an attempt's reported metrics to its run with log-batch: every 500 ms, or as soon as 1,000
 * points wait. Calls go one at a time, in order; a failed call is logged and its points dropped
 * (the lines stay in the job log).
 */
export class MetricBatcher {
  private points: MetricPoint[] = [];
  private params: Record<string, string> = {};
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  /** Points sent successfully, for the attempt's record. */
  sent = 0;

  constructor(
    private readonly client: ExperimentsClient,
    private readonly owner: RunOwner,
    private readonly runId: string,
    private readonly log: Logger,
  ) {}

  add(reported: ReportedMetrics): void {
    this.points.push(...reported.metrics);
    Object.assign(this.params, reported.params);
    if (this.points.length >= MAX_POINTS) this.send();
    else this.timer ??= setTimeout(() => this.send(), FLUSH_MS);
  }

  /** Sends what waits and resolves when every call so far has ended. */
  async flush(): Promise<void> {
    this.send();
    await this.sending;
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.points.length > 0 || Object.keys(this.params).length > 0) {
      const metrics = this.points.splice(0, MAX_POINTS);
      const params = this.params;
      this.params = {};
      this.sending = this.sending.then(async () => {
        try {
          await this.client.logBatch(this.owner, this.runId, { metrics, params });
          this.sent += metrics.length;
        } catch (err) {
          this.log.warn({ err, runId: this.runId, points: metrics.length }, 'could not log metric points');
        }
      });
    }
  }
}
