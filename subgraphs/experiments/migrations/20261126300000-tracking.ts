import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables this migration creates; each holds an organization's rows and has `org_id`. */
const newTenantTables = ['experiment_tags', 'run_latest_metrics', 'run_inputs'];

/**
 * Experiment tracking as MLflow models it: experiments with tags and a lifecycle, runs with their
 * attributes, write-once params, tags, append-only metric points plus each series' latest point
 * (what search filters and sorts on), and the datasets a run used.
 *
 * `metric_points` loses its primary key (MLflow accepts the same point twice) and its foreign key:
 * it is the ingestion hot path, the service checks the run in the same transaction, and runs are
 * never removed (deletion is a lifecycle stage).
 */
export class ExperimentsTracking20261126300000 implements MigrationInterface {
  name = 'ExperimentsTracking20261126300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE experiments.experiments
        ADD COLUMN description text,
        ADD COLUMN artifact_location text,
        ADD COLUMN lifecycle_stage text NOT NULL DEFAULT 'active',
        ADD COLUMN created_by uuid,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      UPDATE experiments.experiments SET artifact_location = 'mlflow-artifacts:/' || id;
      ALTER TABLE experiments.experiments ALTER COLUMN artifact_location SET NOT NULL,
        ADD CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'));
      CREATE INDEX experiments_org_created ON experiments.experiments (org_id, created_at DESC, id);

      CREATE TABLE experiments.experiment_tags (
        experiment_id uuid NOT NULL REFERENCES experiments.experiments (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (experiment_id, key)
      );

      ALTER TABLE experiments.runs RENAME COLUMN started_at TO start_time;
      ALTER TABLE experiments.runs
        ADD COLUMN end_time timestamptz,
        ADD COLUMN user_id uuid,
        ADD COLUMN source_job_id uuid,
        ADD COLUMN parent_run_id uuid REFERENCES experiments.runs (id) ON DELETE SET NULL,
        ADD COLUMN lifecycle_stage text NOT NULL DEFAULT 'active',
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT runs_status CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
        ADD CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'));
      CREATE INDEX runs_experiment_start ON experiments.runs (org_id, experiment_id, start_time DESC NULLS LAST, id);
      CREATE INDEX runs_parent ON experiments.runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

      ALTER TABLE experiments.metric_points DROP CONSTRAINT metric_points_pkey;
      ALTER TABLE experiments.metric_points DROP CONSTRAINT metric_points_run_id_fkey;
      CREATE INDEX metric_points_series ON experiments.metric_points (run_id, key, step, recorded_at);

      CREATE TABLE experiments.run_latest_metrics (
        run_id uuid NOT NULL REFERENCES experiments.runs (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        key text NOT NULL,
        value double precision NOT NULL,
        step bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        min_value double precision,
        max_value double precision,
        point_count bigint NOT NULL,
        PRIMARY KEY (run_id, key)
      );

      CREATE TABLE experiments.run_inputs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES experiments.runs (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        dataset jsonb NOT NULL,
        tags jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX run_inputs_run ON experiments.run_inputs (run_id);
    `);
    await enableTenantIsolation(q, 'experiments', newTenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'experiments', newTenantTables);
    await q.query(`
      DROP TABLE experiments.run_inputs;
      DROP TABLE experiments.run_latest_metrics;
      DROP INDEX experiments.metric_points_series;
      DELETE FROM experiments.metric_points p
        WHERE NOT EXISTS (SELECT 1 FROM experiments.runs r WHERE r.id = p.run_id);
      DELETE FROM experiments.metric_points a USING experiments.metric_points b
        WHERE a.ctid < b.ctid AND (a.run_id, a.key, a.step, a.recorded_at) = (b.run_id, b.key, b.step, b.recorded_at);
      ALTER TABLE experiments.metric_points ADD PRIMARY KEY (run_id, key, step, recorded_at),
        ADD FOREIGN KEY (run_id) REFERENCES experiments.runs (id) ON DELETE CASCADE;
      DROP INDEX experiments.runs_parent;
      DROP INDEX experiments.runs_experiment_start;
      ALTER TABLE experiments.runs DROP CONSTRAINT runs_status, DROP CONSTRAINT runs_lifecycle_stage,
        DROP COLUMN end_time, DROP COLUMN user_id, DROP COLUMN source_job_id, DROP COLUMN parent_run_id,
        DROP COLUMN lifecycle_stage, DROP COLUMN updated_at;
      ALTER TABLE experiments.runs RENAME COLUMN start_time TO started_at;
      DROP TABLE experiments.experiment_tags;
      DROP INDEX experiments.experiments_org_created;
      ALTER TABLE experiments.experiments DROP CONSTRAINT experiments_lifecycle_stage,
        DROP COLUMN description, DROP COLUMN artifact_location, DROP COLUMN lifecycle_stage,
        DROP COLUMN created_by, DROP COLUMN updated_at;
    `);
  }
}
