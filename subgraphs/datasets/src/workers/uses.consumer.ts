import type { DataSource } from 'typeorm';
import { isUuid, type DomainEventMessage, type Logger, type Queue, type QueueConsumer } from '@aitip/kit';

/** The events by which other subgraphs say a version is in use, and when it no longer is. */
export const VERSION_USED_EVENT = 'dataset-version.used';
export const VERSION_RELEASED_EVENT = 'dataset-version.released';

interface UsePayload {
  orgId?: string;
  versionId?: string;
  usedByType?: string;
  usedById?: string;
}

/**
 * Records which jobs and model versions use a dataset version (events `<domain>.dataset-version.used`
 * and `.released`, payload `{ orgId, versionId, usedByType, usedById }`), so a version in use is
 * never removed for good.
 */
export function consumeVersionUses(db: DataSource, queue: Queue, log: Logger): Promise<QueueConsumer> {
  return queue.subscribeEvents(
    'datasets-uses',
    [`*.${VERSION_USED_EVENT}`, `*.${VERSION_RELEASED_EVENT}`],
    async (message: DomainEventMessage) => {
      const { orgId, versionId, usedByType, usedById } = (message.payload ?? {}) as UsePayload;
      if (!orgId || !versionId || !isUuid(orgId) || !isUuid(versionId) || !usedByType || !usedById) {
        log.warn(
          { routingKey: message.routingKey, payload: message.payload },
          'dropped a dataset use event without orgId, versionId, usedByType and usedById',
        );
        return;
      }
      if (message.routingKey.endsWith(VERSION_USED_EVENT)) {
        await db.query(
          `INSERT INTO datasets.dataset_version_uses (org_id, version_id, used_by_type, used_by_id)
         SELECT org_id, id, $3, $4 FROM datasets.dataset_versions WHERE id = $2 AND org_id = $1
         ON CONFLICT DO NOTHING`,
          [orgId, versionId, usedByType, usedById],
        );
      } else {
        await db.query(
          `DELETE FROM datasets.dataset_version_uses WHERE org_id = $1 AND version_id = $2 AND used_by_type = $3 AND used_by_id = $4`,
          [orgId, versionId, usedByType, usedById],
        );
      }
    },
  );
}
