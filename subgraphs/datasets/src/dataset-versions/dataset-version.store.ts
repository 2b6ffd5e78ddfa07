import { In, type DataSource } from 'typeorm';
import { ConflictError, NotFoundError, inTenant, isUuid } from '@aitip/kit';
import { DatasetFileEntity, DatasetVersionEntity } from './dataset-version.entity.js';
import type { DatasetVersion } from './dataset-version.type.js';

/** The GraphQL object of a version row, with the row behind it for the field resolvers. */
export type LoadedVersion = DatasetVersion & { row: DatasetVersionEntity };

export function toVersion(row: DatasetVersionEntity): LoadedVersion {
  return {
    id: row.id,
    orgId: row.orgId,
    datasetId: row.datasetId,
    version: row.version,
    status: row.purgedAt ? 'PURGED' : row.deletedAt ? 'DELETED' : row.status,
    contentHash: row.contentHash,
    sizeBytes: Number(row.sizeBytes),
    fileCount: row.fileCount,
    rowCount: row.rowCount === null ? null : Number(row.rowCount),
    format: row.format,
    labelColumn: row.labelColumn,
    description: row.description,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    deletedAt: row.deletedAt,
    uploadId: row.uploadId,
    row,
  };
}

/** Dataset versions and their files, only ever those of the caller's organization. */
export class DatasetVersionStore {
  constructor(private readonly db: DataSource) {}

  /** The version `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<LoadedVersion | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    const row = await inTenant(this.db, orgId, (m) => m.findOneBy(DatasetVersionEntity, { id, orgId }));
    return row ? toVersion(row) : null;
  }

  /** The versions among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<LoadedVersion[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    const rows = await inTenant(this.db, orgId, (m) => m.findBy(DatasetVersionEntity, { id: In(valid), orgId }));
    return rows.map(toVersion);
  }

  /** A dataset's versions, newest first; deleted ones only when asked. */
  async ofDataset(orgId: string, datasetId: string, includeDeleted: boolean): Promise<LoadedVersion[]> {
    const rows = await inTenant(this.db, orgId, (m) =>
      m
        .createQueryBuilder(DatasetVersionEntity, 'v')
        .where('v.org_id = :orgId AND v.dataset_id = :datasetId AND v.purged_at IS NULL', { orgId, datasetId })
        .andWhere(includeDeleted ? 'TRUE' : 'v.deleted_at IS NULL')
        .orderBy('v.version', 'DESC')
        .getMany(),
    );
    return rows.map(toVersion);
  }

  async files(orgId: string, versionId: string): Promise<DatasetFileEntity[]> {
    return inTenant(this.db, orgId, (m) =>
      m.find(DatasetFileEntity, { where: { orgId, versionId }, order: { path: 'ASC' } }),
    );
  }

  /** Deletes a version softly; it can be restored until the retention period ends. */
  async softDelete(orgId: string, id: string): Promise<LoadedVersion> {
    const version = await this.findById(orgId, id);
    if (!version || version.status === 'PURGED')
      throw new NotFoundError(`There is no dataset version ${id} in this organization.`);
    if (version.status === 'DELETED') return version;
    await inTenant(this.db, orgId, (m) =>
      m.query(`UPDATE datasets.dataset_versions SET deleted_at = now() WHERE id = $1 AND org_id = $2`, [id, orgId]),
    );
    return (await this.findById(orgId, id))!;
  }

  async restore(orgId: string, id: string): Promise<LoadedVersion> {
    const version = await this.findById(orgId, id);
    if (!version || version.status === 'PURGED') {
      throw new NotFoundError(
        `There is no restorable dataset version ${id} in this organization; it may be past its retention period.`,
      );
    }
    if (version.status !== 'DELETED') return version;
    try {
      await inTenant(this.db, orgId, async (m) => {
        const [dataset] = (await m.query(`SELECT deleted_at FROM datasets.datasets WHERE id = $1`, [
          version.datasetId,
        ])) as Array<{ deleted_at: Date | null }>;
        if (dataset?.deleted_at) {
          throw new ConflictError('Its dataset is deleted; restore the dataset (restoreDataset) instead.');
        }
        await m.query(`UPDATE datasets.dataset_versions SET deleted_at = NULL WHERE id = $1 AND org_id = $2`, [
          id,
          orgId,
        ]);
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ConflictError('The dataset already has a version with the same content; use that one.');
      }
      throw err;
    }
    return (await this.findById(orgId, id))!;
  }

  /** What uses the version (jobs, model versions), from the events other subgraphs publish. */
  async uses(orgId: string, id: string): Promise<Array<{ usedByType: string; usedById: string }>> {
    const rows = (await inTenant(this.db, orgId, (m) =>
      m.query(
        `SELECT used_by_type, used_by_id FROM datasets.dataset_version_uses WHERE org_id = $1 AND version_id = $2
         ORDER BY created_at`,
        [orgId, id],
      ),
    )) as Array<{ used_by_type: string; used_by_id: string }>;
    return rows.map((r) => ({ usedByType: r.used_by_type, usedById: r.used_by_id }));
  }
}
