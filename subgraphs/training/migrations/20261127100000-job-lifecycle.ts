import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gives training jobs their spec and lifecycle, and attempts their worker, heartbeat and outcome.
 * Both tables were put under row-level security by the tenant-isolation migration; columns added
 * here are covered by the same policies.
 */
export class TrainingJobLifecycle20261127100000 implements MigrationInterface {
  name = 'TrainingJobLifecycle20261127100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE training.training_jobs
        ADD COLUMN spec jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN input_versions jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN backend text NOT NULL DEFAULT 'local',
        ADD COLUMN experiment_name text,
        ADD COLUMN run_id text,
        ADD COLUMN experiment_id text,
        ADD COLUMN message text,
        ADD COLUMN hint text,
        ADD COLUMN created_by text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN started_at timestamptz,
        ADD COLUMN ended_at timestamptz,
        ADD COLUMN attempts int NOT NULL DEFAULT 0,
        ADD COLUMN max_retries int NOT NULL DEFAULT 0,
        ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;

      -- rows from before this migration had free-form statuses; anything unknown counts as failed
      UPDATE training.training_jobs SET status = 'FAILED', message = 'status ' || status || ' predates the job lifecycle'
        WHERE status NOT IN ('PENDING','QUEUED','SCHEDULED','RUNNING','SUCCEEDED','FAILED','CANCELLED','TIMED_OUT');
      ALTER TABLE training.training_jobs ADD CONSTRAINT training_jobs_status_check
        CHECK (status IN ('PENDING','QUEUED','SCHEDULED','RUNNING','SUCCEEDED','FAILED','CANCELLED','TIMED_OUT'));

      ALTER TABLE training.job_attempts
        ADD COLUMN heartbeat_at timestamptz,
        ADD COLUMN outcome text,
        ADD COLUMN exit_code int,
        ADD COLUMN message text,
        ADD COLUMN hint text,
        ADD COLUMN log_lines bigint NOT NULL DEFAULT 0,
        ADD COLUMN log_archive_key text;
      UPDATE training.job_attempts SET status = 'FAILED'
        WHERE status NOT IN ('SCHEDULED','RUNNING','SUCCEEDED','FAILED','CANCELLED','TIMED_OUT');
      ALTER TABLE training.job_attempts ADD CONSTRAINT job_attempts_status_check
        CHECK (status IN ('SCHEDULED','RUNNING','SUCCEEDED','FAILED','CANCELLED','TIMED_OUT'));

      -- the reconcile loop looks for live attempts whose heartbeat stopped
      CREATE INDEX job_attempts_live ON training.job_attempts (heartbeat_at) WHERE status IN ('SCHEDULED','RUNNING');
      CREATE INDEX training_jobs_org_status ON training.training_jobs (org_id, status, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX training.training_jobs_org_status;
      DROP INDEX training.job_attempts_live;
      ALTER TABLE training.job_attempts
        DROP CONSTRAINT job_attempts_status_check,
        DROP COLUMN heartbeat_at, DROP COLUMN outcome, DROP COLUMN exit_code, DROP COLUMN message,
        DROP COLUMN hint, DROP COLUMN log_lines, DROP COLUMN log_archive_key;
      ALTER TABLE training.training_jobs
        DROP CONSTRAINT training_jobs_status_check,
        DROP COLUMN spec, DROP COLUMN input_versions, DROP COLUMN backend, DROP COLUMN experiment_name, DROP COLUMN run_id,
        DROP COLUMN experiment_id, DROP COLUMN message, DROP COLUMN hint, DROP COLUMN created_by,
        DROP COLUMN updated_at, DROP COLUMN started_at, DROP COLUMN ended_at, DROP COLUMN attempts,
        DROP COLUMN max_retries, DROP COLUMN cancel_requested;
    `);
  }
}
