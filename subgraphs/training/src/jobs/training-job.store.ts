import type { DataSource, EntityManager } from 'typeorm';
import { inTenant, isUuid, returnedRows } from '@aitip/kit';
import type { ResolvedInput } from './datasets-client.js';
import type { JobSpec } from './job-spec.js';
import {
  attemptOf,
  jobOf,
  type AttemptRecord,
  type AttemptStatus,
  type JobStatus,
  type TrainingJobRecord,
} from './training-job.record.js';

/** What a new job row holds. */
export interface NewJob {
  name: string;
  spec: JobSpec;
  inputVersions: ResolvedInput[];
  backend: string;
  experimentName: string;
  maxRetries: number;
  createdBy: string | null;
}

/** Fields a transition may set besides the status. */
export interface TransitionFields {
  message?: string | null;
  hint?: string | null;
  started?: boolean;
  ended?: boolean;
}

/** How an attempt ended. */
export interface AttemptEnd {
  status: AttemptStatus;
  outcome: string;
  exitCode: number | null;
  message: string | null;
  hint: string | null;
  logLines: number;
  logArchiveKey: string | null;
}

/** An attempt of some organization whose worker stopped heartbeating. */
export interface StaleAttempt {
  orgId: string;
  jobId: string;
  attempt: number;
  workerId: string | null;
}

const rows = (result: unknown) => returnedRows<Record<string, unknown>>(result);

/** Reads and writes training jobs and their attempts with SQL, each call inside the caller's organization. */
export class TrainingJobStore {
  constructor(private readonly db: DataSource) {}

  private tenant<T>(orgId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return inTenant(this.db, orgId, work);
  }

  /** Stores a PENDING job. */
  async insert(orgId: string, job: NewJob): Promise<TrainingJobRecord> {
    return this.tenant(orgId, async (m) => {
      const [row] = rows(
        await m.query(
          `INSERT INTO training.training_jobs (org_id, name, status, spec, input_versions, backend, experiment_name, max_retries, created_by)
           VALUES ($1, $2, 'PENDING', $3::jsonb, $4::jsonb, $5, $6, $7, $8) RETURNING *`,
          [
            orgId,
            job.name,
            JSON.stringify(job.spec),
            JSON.stringify(job.inputVersions),
            job.backend,
            job.experimentName,
            job.maxRetries,
            job.createdBy,
          ],
        ),
      );
      return jobOf(row!);
    });
  }

  /** The job `id` of organization `orgId`, or null. */
  async findById(orgId: string | undefined, id: string): Promise<TrainingJobRecord | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    const [row] = await this.tenant(orgId, async (m) =>
      rows(await m.query(`SELECT * FROM training.training_jobs WHERE id = $1 AND org_id = $2`, [id, orgId])),
    );
    return row ? jobOf(row) : null;
  }

  /** The jobs among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<TrainingJobRecord[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return this.tenant(orgId, async (m) =>
      rows(
        await m.query(`SELECT * FROM training.training_jobs WHERE id = ANY($1::uuid[]) AND org_id = $2`, [
          valid,
          orgId,
        ]),
      ).map(jobOf),
    );
  }

  /** Up to `limit` jobs, newest first, after the job `after` (its id is the cursor), optionally of one status. */
  async list(
    orgId: string,
    options: { status?: JobStatus | null; after?: string | null; limit: number },
  ): Promise<TrainingJobRecord[]> {
    return this.tenant(orgId, async (m) =>
      rows(
        await m.query(
          `SELECT * FROM training.training_jobs j
           WHERE org_id = $1
             AND ($2::text IS NULL OR status = $2)
             AND ($3::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM training.training_jobs WHERE id = $3))
           ORDER BY created_at DESC, id DESC LIMIT $4`,
          [orgId, options.status ?? null, options.after ?? null, options.limit],
        ),
      ).map(jobOf),
    );
  }

  /** The attempts of a job, first to last. */
  async attempts(orgId: string, jobId: string): Promise<AttemptRecord[]> {
    return this.tenant(orgId, async (m) =>
      rows(
        await m.query(`SELECT * FROM training.job_attempts WHERE job_id = $1 AND org_id = $2 ORDER BY attempt`, [
          jobId,
          orgId,
        ]),
      ).map(attemptOf),
    );
  }

  /** Records the experiment run the job logs to. */
  async linkRun(orgId: string, id: string, experimentId: string, runId: string): Promise<void> {
    await this.tenant(orgId, (m) =>
      m.query(`UPDATE training.training_jobs SET experiment_id = $2, run_id = $3, updated_at = now() WHERE id = $1`, [
        id,
        experimentId,
        runId,
      ]),
    );
  }

  /** Moves the job to `to` when its status is one of `from`; null when it was not (someone else moved it). */
  async transition(
    orgId: string,
    id: string,
    from: readonly JobStatus[],
    to: JobStatus,
    fields: TransitionFields = {},
  ): Promise<TrainingJobRecord | null> {
    const [row] = await this.tenant(orgId, async (m) =>
      rows(
        await m.query(
          `UPDATE training.training_jobs SET status = $3, updated_at = now(),
             message = CASE WHEN $4 THEN $5 ELSE message END,
             hint = CASE WHEN $4 THEN $6 ELSE hint END,
             started_at = CASE WHEN $7 THEN coalesce(started_at, now()) ELSE started_at END,
             ended_at = CASE WHEN $8 THEN now() ELSE ended_at END
           WHERE id = $1 AND status = ANY($2::text[]) RETURNING *`,
          [
            id,
            from,
            to,
            fields.message !== undefined,
            fields.message ?? null,
            fields.hint ?? null,
            fields.started ?? false,
            fields.ended ?? false,
          ],
        ),
      ),
    );
    return row ? jobOf(row) : null;
  }

  /** A retry: the ended job goes back to QUEUED, its cancel request and end cleared. */
  async requeue(
    orgId: string,
    id: string,
    from: readonly JobStatus[],
    message: string,
  ): Promise<TrainingJobRecord | null> {
    const [row] = await this.tenant(orgId, async (m) =>
      rows(
        await m.query(
          `UPDATE training.training_jobs SET status = 'QUEUED', cancel_requested = false, ended_at = NULL,
             message = $3, hint = NULL, updated_at = now()
           WHERE id = $1 AND status = ANY($2::text[]) RETURNING *`,
          [id, from, message],
        ),
      ),
    );
    return row ? jobOf(row) : null;
  }

  /** Marks the job's cancel request; returns the job as it is now. */
  async requestCancel(orgId: string, id: string): Promise<TrainingJobRecord | null> {
    const [row] = await this.tenant(orgId, async (m) =>
      rows(
        await m.query(
          `UPDATE training.training_jobs SET cancel_requested = true, updated_at = now() WHERE id = $1 RETURNING *`,
          [id],
        ),
      ),
    );
    return row ? jobOf(row) : null;
  }

  /**
   * A worker takes attempt `attempt` of a QUEUED job: the job becomes SCHEDULED and the attempt row is
   * made, in one transaction. Null when the job is no longer waiting for that attempt (cancelled, or a
   * redelivered message of an attempt already taken).
   */
  async claimAttempt(
    orgId: string,
    jobId: string,
    attempt: number,
    workerId: string,
  ): Promise<TrainingJobRecord | null> {
    return this.tenant(orgId, async (m) => {
      const [row] = rows(
        await m.query(
          `UPDATE training.training_jobs SET status = 'SCHEDULED', attempts = $2, updated_at = now()
           WHERE id = $1 AND status = 'QUEUED' AND attempts = $2 - 1 AND NOT cancel_requested RETURNING *`,
          [jobId, attempt],
        ),
      );
      if (!row) return null;
      await m.query(
        `INSERT INTO training.job_attempts (org_id, job_id, attempt, status, worker_id, heartbeat_at)
         VALUES ($1, $2, $3, 'SCHEDULED', $4, now())`,
        [orgId, jobId, attempt, workerId],
      );
      return jobOf(row);
    });
  }

  /** The attempt's processes started. */
  async attemptRunning(orgId: string, jobId: string, attempt: number): Promise<void> {
    await this.tenant(orgId, (m) =>
      m.query(
        `UPDATE training.job_attempts SET status = 'RUNNING', started_at = now(), heartbeat_at = now()
         WHERE job_id = $1 AND attempt = $2 AND status = 'SCHEDULED'`,
        [jobId, attempt],
      ),
    );
  }

  /**
   * Records that the attempt's worker is alive; answers whether the attempt is still live (the
   * reconcile loop may have given up on it) and whether its job should be cancelled.
   */
  async heartbeat(
    orgId: string,
    jobId: string,
    attempt: number,
    logLines: number,
  ): Promise<{ live: boolean; cancelRequested: boolean }> {
    return this.tenant(orgId, async (m) => {
      const [row] = rows(
        await m.query(
          `UPDATE training.job_attempts a SET heartbeat_at = now(), log_lines = $3
           FROM training.training_jobs j
           WHERE a.job_id = $1 AND a.attempt = $2 AND a.status IN ('SCHEDULED', 'RUNNING') AND j.id = a.job_id
           RETURNING j.cancel_requested`,
          [jobId, attempt, logLines],
        ),
      );
      return { live: row !== undefined, cancelRequested: Boolean(row?.['cancel_requested']) };
    });
  }

  /** Ends a live attempt; false when it was no longer live (already ended by reconcile). */
  async finishAttempt(orgId: string, jobId: string, attempt: number, end: AttemptEnd): Promise<boolean> {
    return this.tenant(orgId, async (m) => {
      const updated = rows(
        await m.query(
          `UPDATE training.job_attempts SET status = $3, outcome = $4, exit_code = $5, message = $6, hint = $7,
             log_lines = greatest(log_lines, $8), log_archive_key = $9, finished_at = now()
           WHERE job_id = $1 AND attempt = $2 AND status IN ('SCHEDULED', 'RUNNING') RETURNING id`,
          [
            jobId,
            attempt,
            end.status,
            end.outcome,
            end.exitCode,
            end.message,
            end.hint,
            end.logLines,
            end.logArchiveKey,
          ],
        ),
      );
      return updated.length > 0;
    });
  }

  /**
   * Live attempts of every organization whose heartbeat is older than `staleSeconds`. Runs on the
   * service's own connection: the reconcile loop is the one cross-tenant reader.
   */
  async staleAttempts(staleSeconds: number, limit = 100): Promise<StaleAttempt[]> {
    const found = rows(
      await this.db.query(
        `SELECT org_id, job_id, attempt, worker_id FROM training.job_attempts
         WHERE status IN ('SCHEDULED', 'RUNNING') AND heartbeat_at < now() - make_interval(secs => $1)
         ORDER BY heartbeat_at LIMIT $2`,
        [staleSeconds, limit],
      ),
    );
    return found.map((r) => ({
      orgId: r['org_id'] as string,
      jobId: r['job_id'] as string,
      attempt: Number(r['attempt']),
      workerId: (r['worker_id'] as string | null) ?? null,
    }));
  }
}
