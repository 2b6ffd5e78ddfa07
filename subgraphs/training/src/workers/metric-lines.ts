import type { MetricPoint } from '../jobs/experiments-client.js';

/** What one `@aitip {...}` line reports. */
export interface ReportedMetrics {
  metrics: MetricPoint[];
  params: Record<string, string>;
}

const PREFIX = '@aitip ';

/**
 * Reads a job's metric line (docs/training.md, "Metrics without a client library"):
 * `@aitip {"metrics": {"loss": 0.4}, "step": 3}`; null for any other line, or one that is not that
 * form (it stays an ordinary log line).
 */
export function parseMetricLine(text: string, readAt: number): ReportedMetrics | null {
  if (!text.startsWith(PREFIX)) return null;
  let body: unknown;
  try {
    body = JSON.parse(text.slice(PREFIX.length));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const fields = body as Record<string, unknown>;
  const step = Number.isInteger(fields['step']) ? (fields['step'] as number) : 0;
  const timestamp = Number.isInteger(fields['timestamp']) ? (fields['timestamp'] as number) : readAt;
  const metrics: MetricPoint[] = [];
  const reported = fields['metrics'];
  if (typeof reported === 'object' && reported !== null && !Array.isArray(reported)) {
    for (const [key, value] of Object.entries(reported)) {
      if (typeof value === 'number' && Number.isFinite(value)) metrics.push({ key, value, step, timestamp });
    }
  }
  const params: Record<string, string> = {};
  const given = fields['params'];
  if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    for (const [key, value] of Object.entries(given)) {
      if (typeof value === 'string') params[key] = value;
    }
  }
  if (metrics.length === 0 && Object.keys(params).length === 0) return null;
  return { metrics, params };
}
