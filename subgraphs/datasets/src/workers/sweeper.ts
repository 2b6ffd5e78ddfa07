import type { DataSource } from 'typeorm';
import { returnedRows, type BlobStore, type Logger, type Queue } from '@aitip/kit';
import type { DatasetsSettings } from '../settings.js';
import type { UploadFile } from '../uploads/upload.entity.js';
import { VALIDATE_QUEUE, versionPrefix } from '../storage-keys.js';

/** A validation or completion with no progress for this long is taken up again. */
const STALLED_VALIDATION_SECONDS = 30 * 60;
import type { UploadService } from '../uploads/upload.service.js';

/**
 * Periodic clean-up across organizations (the subgraph's own connection, not a tenant's):
 * uploads never completed are aborted once they expire, and deleted versions past the retention
 * period are removed for good with their objects, unless a job or a model version uses them.
 */
export class DatasetSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly blob: BlobStore,
    private readonly queue: Queue,
    private readonly uploads: UploadService,
    private readonly settings: DatasetsSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((err: unknown) => this.log.warn({ err }, 'dataset sweep failed; retrying at the next one'))
        .finally(() => {
          this.timer = setTimeout(tick, this.settings.DATASETS_SWEEP_SECONDS * 1000);
          this.timer.unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    clearTimeout(this.timer);
  }

  /** One pass; returns what it removed (for tests). */
  async sweep(): Promise<{ expiredUploads: number; purgedVersions: number; requeued: number }> {
    const expired = returnedRows<{ id: string; org_id: string; files: UploadFile[] }>(
      await this.db.query(
        `UPDATE datasets.upload_sessions SET status = 'EXPIRED', updated_at = now()
         WHERE id IN (SELECT id FROM datasets.upload_sessions WHERE status = 'UPLOADING' AND expires_at < now()
                      ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED)
         RETURNING id, org_id, files`,
      ),
    );
    for (const session of expired) {
      await this.uploads.discardStaged(session.files);
      await this.uploads.progress(session.org_id, session.id, {
        status: 'EXPIRED',
        progress: 0,
        message: 'The upload was not completed in time and was removed; start a new one.',
      });
    }

    // a validation whose job was lost (the in-process queue of a process that stopped) starts again;
    // a running one reports progress far more often than this
    const stalled = returnedRows<{ id: string; org_id: string }>(
      await this.db.query(
        `UPDATE datasets.upload_sessions SET updated_at = now()
         WHERE status = 'VALIDATING' AND updated_at < now() - make_interval(secs => $1)
         RETURNING id, org_id`,
        [STALLED_VALIDATION_SECONDS],
      ),
    );
    for (const session of stalled) {
      this.log.warn({ uploadId: session.id }, 'validation made no progress for 30 minutes; queueing it again');
      await this.queue.send(VALIDATE_QUEUE, { orgId: session.org_id, uploadId: session.id });
    }
    // a completion interrupted while the storage joined the parts can be completed again
    await this.db.query(
      `UPDATE datasets.upload_sessions SET status = 'UPLOADING', updated_at = now()
       WHERE status = 'COMPLETING' AND updated_at < now() - make_interval(secs => $1)`,
      [STALLED_VALIDATION_SECONDS],
    );

    const retention = this.settings.DATASETS_RETENTION_SECONDS;
    const due = (await this.db.query(
      `SELECT v.id, v.org_id, v.dataset_id, v.size_bytes FROM datasets.dataset_versions v
       WHERE v.deleted_at IS NOT NULL AND v.purged_at IS NULL
         AND v.deleted_at < now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM datasets.dataset_version_uses u WHERE u.version_id = v.id)
       ORDER BY v.deleted_at LIMIT 100`,
      [retention],
    )) as Array<{ id: string; org_id: string; dataset_id: string; size_bytes: string }>;
    for (const version of due) {
      const files = (await this.db.query(`SELECT blob_key FROM datasets.dataset_files WHERE version_id = $1`, [
        version.id,
      ])) as Array<{ blob_key: string | null }>;
      for (const f of files) if (f.blob_key) await this.blob.delete(f.blob_key);
      await this.blob.deletePrefix(versionPrefix(version.org_id, version.dataset_id, version.id));
      await this.db.query(
        `UPDATE datasets.dataset_versions SET purged_at = now(), columns = NULL, preview = NULL, images = NULL
         WHERE id = $1`,
        [version.id],
      );
      await this.db.query(`DELETE FROM datasets.dataset_files WHERE version_id = $1`, [version.id]);
      await this.queue.publishEvent('usage.storage.changed', {
        orgId: version.org_id,
        resource: 'dataset_storage_bytes',
        deltaBytes: -Number(version.size_bytes),
        usedBytes: await this.uploads.usedBytes(version.org_id, undefined),
        at: new Date().toISOString(),
      });
      this.log.info({ versionId: version.id }, 'removed a deleted dataset version past its retention period');
    }
    // a deleted dataset goes once nothing of it is left to restore
    await this.db.query(
      `DELETE FROM datasets.datasets d WHERE d.deleted_at IS NOT NULL AND d.deleted_at < now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM datasets.dataset_versions v WHERE v.dataset_id = d.id AND v.purged_at IS NULL)`,
      [retention],
    );
    return { expiredUploads: expired.length, purgedVersions: due.length, requeued: stalled.length };
  }
}
