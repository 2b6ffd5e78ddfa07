import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the experiments subgraph owns: Experiment, Run (params, metrics, tags, artifacts) and MetricSeries. */
export class ExperimentsInitial20261126000000 implements MigrationInterface {
  name = 'ExperimentsInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiments.experiments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE experiments.runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        experiment_id uuid NOT NULL,
        name text,
        status text NOT NULL,
        started_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX experiments_org_name_key ON experiments.experiments (org_id, name);
      ALTER TABLE experiments.runs ADD FOREIGN KEY (experiment_id) REFERENCES experiments.experiments (id) ON DELETE CASCADE;

      CREATE TABLE experiments.run_params (
        run_id uuid NOT NULL REFERENCES experiments.runs (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (run_id, key)
      );

      CREATE TABLE experiments.run_tags (
        run_id uuid NOT NULL REFERENCES experiments.runs (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (run_id, key)
      );

      CREATE TABLE experiments.metric_points (
        run_id uuid NOT NULL REFERENCES experiments.runs (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        key text NOT NULL,
        step bigint NOT NULL,
        value double precision NOT NULL,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (run_id, key, step, recorded_at)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE experiments.metric_points;
      DROP TABLE experiments.run_tags;
      DROP TABLE experiments.run_params;
      DROP TABLE experiments.runs;
      DROP TABLE experiments.experiments;
    `);
  }
}
