import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metric points move from one row per point to one row per series per logging call: a chunk holds
 * the call's points of one key as three arrays (steps, values, timestamps in milliseconds), sorted,
 * with its step range. A log-batch of 1,000 points over 10 keys writes 10 rows instead of 1,000, which
 * is what lets ingestion outrun a row-per-point COPY; history reads fetch a series in a few rows.
 *
 * Existing points are carried over (one chunk per series); `down` restores one row per point.
 */
export class ExperimentsMetricChunks20261127000000 implements MigrationInterface {
  name = 'ExperimentsMetricChunks20261127000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiments.metric_chunks (
        org_id uuid NOT NULL,
        run_id uuid NOT NULL,
        key text NOT NULL,
        min_step bigint NOT NULL,
        max_step bigint NOT NULL,
        steps bigint[] NOT NULL,
        vals double precision[] NOT NULL,
        times bigint[] NOT NULL,
        CONSTRAINT metric_chunks_shape CHECK (
          cardinality(steps) > 0 AND cardinality(steps) = cardinality(vals) AND cardinality(steps) = cardinality(times))
      );
      CREATE INDEX metric_chunks_series ON experiments.metric_chunks (run_id, key, min_step);
      INSERT INTO experiments.metric_chunks (org_id, run_id, key, min_step, max_step, steps, vals, times)
        SELECT org_id, run_id, key, min(step), max(step),
          array_agg(step ORDER BY step, recorded_at, value),
          array_agg(value ORDER BY step, recorded_at, value),
          array_agg(round(extract(epoch FROM recorded_at) * 1000)::bigint ORDER BY step, recorded_at, value)
        FROM experiments.metric_points
        GROUP BY org_id, run_id, key;
    `);
    await disableTenantIsolation(q, 'experiments', ['metric_points']);
    await q.query(`DROP TABLE experiments.metric_points`);
    await enableTenantIsolation(q, 'experiments', ['metric_chunks']);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiments.metric_points (
        org_id uuid NOT NULL,
        run_id uuid NOT NULL,
        key text NOT NULL,
        step bigint NOT NULL,
        value double precision NOT NULL,
        recorded_at timestamptz NOT NULL
      );
      CREATE INDEX metric_points_series ON experiments.metric_points (run_id, key, step, recorded_at);
      INSERT INTO experiments.metric_points (org_id, run_id, key, step, value, recorded_at)
        SELECT c.org_id, c.run_id, c.key, p.step, p.value, to_timestamp(p.ms::float8 / 1000)
        FROM experiments.metric_chunks c, unnest(c.steps, c.vals, c.times) AS p(step, value, ms);
    `);
    await disableTenantIsolation(q, 'experiments', ['metric_chunks']);
    await q.query(`DROP TABLE experiments.metric_chunks`);
    await enableTenantIsolation(q, 'experiments', ['metric_points']);
  }
}
