import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the training subgraph owns: TrainingJob (spec, status, attempts, workers, logs, artifacts). */
export class TrainingInitial20261126000000 implements MigrationInterface {
  name = 'TrainingInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE training.training_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        name text NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE INDEX training_jobs_org_created ON training.training_jobs (org_id, created_at DESC);

      CREATE TABLE training.job_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        job_id uuid NOT NULL REFERENCES training.training_jobs (id) ON DELETE CASCADE,
        attempt int NOT NULL,
        status text NOT NULL,
        worker_id text,
        started_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (job_id, attempt)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE training.job_attempts;
      DROP TABLE training.training_jobs;
    `);
  }
}
