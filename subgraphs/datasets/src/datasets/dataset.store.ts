import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, InputError, NotFoundError, inTenant, isUuid } from '@aitip/kit';
import { DatasetStatus, type Dataset } from './dataset.type.js';
import { DEFAULT_PAGE, MAX_PAGE, type DatasetFilter } from './dataset.input.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_TAGS = 50;

/** A dataset row with what is derived from its versions and uploads. */
const SELECT = `
  SELECT d.*,
    CASE
      WHEN EXISTS (SELECT 1 FROM datasets.upload_sessions s
                   WHERE s.dataset_id = d.id AND s.status IN ('COMPLETING', 'VALIDATING')) THEN 'VALIDATING'
      WHEN EXISTS (SELECT 1 FROM datasets.dataset_versions v
                   WHERE v.dataset_id = d.id AND v.deleted_at IS NULL AND v.purged_at IS NULL) THEN 'READY'
      WHEN (SELECT s.status FROM datasets.upload_sessions s WHERE s.dataset_id = d.id AND s.status IN ('READY', 'INVALID')
            ORDER BY s.updated_at DESC LIMIT 1) = 'INVALID' THEN 'INVALID'
      ELSE 'EMPTY'
    END AS status,
    (SELECT v.format FROM datasets.dataset_versions v
     WHERE v.dataset_id = d.id AND v.deleted_at IS NULL AND v.purged_at IS NULL ORDER BY v.version DESC LIMIT 1) AS format,
    (SELECT count(*) FROM datasets.dataset_versions v
     WHERE v.dataset_id = d.id AND v.deleted_at IS NULL AND v.purged_at IS NULL)::int AS version_count
  FROM datasets.datasets d`;

interface DatasetRow {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  tags: string[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  status: DatasetStatus;
  format: string | null;
  version_count: number;
}

function toDataset(row: DatasetRow): Dataset {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    tags: row.tags ?? [],
    status: row.status,
    format: row.format,
    versionCount: Number(row.version_count),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    deletedAt: row.deleted_at ? new Date(row.deleted_at) : null,
  };
}

/** A list cursor: the last item's creation time and id. */
function encodeCursor(row: Dataset): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && isUuid(id)) return [at, id];
  } catch {
    // reported below
  }
  throw new InputError('`after` is not a cursor this list gave; pass the `nextCursor` of the previous page.', {
    field: 'after',
  });
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed)) {
    throw new InputError(
      `"${name}" is not a valid dataset name: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit.`,
      { field: 'name' },
    );
  }
  return trimmed;
}

function checkTags(tags: readonly string[]): string[] {
  const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  if (clean.length > MAX_TAGS) throw new InputError(`A dataset carries at most ${MAX_TAGS} tags.`, { field: 'tags' });
  for (const tag of clean) {
    if (tag.length > 64)
      throw new InputError(`Tag "${tag.slice(0, 20)}…" is longer than 64 characters.`, { field: 'tags' });
  }
  return clean;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Dataset rows, only ever those of the caller's organization. */
export class DatasetStore {
  constructor(private readonly db: DataSource) {}

  private async select(m: EntityManager, where: string, params: unknown[]): Promise<Dataset[]> {
    const rows = (await m.query(`SELECT * FROM (${SELECT}) x WHERE ${where}`, params)) as DatasetRow[];
    return rows.map(toDataset);
  }

  /** The dataset `id` of organization `orgId` (deleted ones too); null for another organization's id. */
  async findById(orgId: string | undefined, id: string): Promise<Dataset | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    const [row] = await inTenant(this.db, orgId, (m) => this.select(m, 'x.id = $1 AND x.org_id = $2', [id, orgId]));
    return row ?? null;
  }

  async findByName(orgId: string, name: string): Promise<Dataset | null> {
    const [row] = await inTenant(this.db, orgId, (m) =>
      this.select(m, 'x.name = $1 AND x.org_id = $2 AND x.deleted_at IS NULL', [name, orgId]),
    );
    return row ?? null;
  }

  /** The datasets among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<Dataset[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (m) => this.select(m, 'x.id = ANY($1::uuid[]) AND x.org_id = $2', [valid, orgId]));
  }

  /** A page of the organization's datasets matching `filter`, newest first. */
  async list(
    orgId: string,
    filter: DatasetFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ items: Dataset[]; nextCursor: string | null }> {
    const limit = first ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new InputError(`\`first\` must be between 1 and ${MAX_PAGE}.`, { field: 'first' });
    }
    const params: unknown[] = [orgId];
    const where = ['x.org_id = $1'];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    where.push(filter?.deleted ? 'x.deleted_at IS NOT NULL' : 'x.deleted_at IS NULL');
    if (filter?.name) add((p) => `x.name ILIKE ${p}`, `%${filter.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (filter?.tags?.length) add((p) => `x.tags @> ${p}::text[]`, filter.tags);
    if (filter?.format) add((p) => `x.format = ${p}`, filter.format.toUpperCase());
    if (filter?.createdBy) add((p) => `x.created_by = ${p}`, filter.createdBy);
    if (filter?.status) add((p) => `x.status = ${p}`, filter.status);
    if (after) {
      const [at, id] = decodeCursor(after);
      params.push(at, id);
      where.push(`(x.created_at, x.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = await inTenant(this.db, orgId, (m) =>
      this.select(m, `${where.join(' AND ')} ORDER BY x.created_at DESC, x.id DESC LIMIT $${params.length}`, params),
    );
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!) : null };
  }

  async create(
    orgId: string,
    createdBy: string | null,
    input: { name: string; description?: string | null; tags?: string[] | null },
  ): Promise<Dataset> {
    const name = checkName(input.name);
    const tags = checkTags(input.tags ?? []);
    try {
      const [row] = (await inTenant(this.db, orgId, (m) =>
        m.query(
          `INSERT INTO datasets.datasets (org_id, name, description, tags, created_by) VALUES ($1, $2, $3, $4, $5)
           RETURNING id`,
          [orgId, name, input.description ?? null, tags, createdBy],
        ),
      )) as Array<{ id: string }>;
      return (await this.findById(orgId, row!.id))!;
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(`A dataset named "${name}" already exists in this organization; pick another name.`, {
          field: 'name',
        });
      }
      throw err;
    }
  }

  async update(
    orgId: string,
    id: string,
    input: { name?: string | null; description?: string | null; tags?: string[] | null },
  ): Promise<Dataset> {
    await this.requireLive(orgId, id);
    const sets: string[] = [];
    const params: unknown[] = [id, orgId];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (input.name !== undefined && input.name !== null) set('name', checkName(input.name));
    if (input.description !== undefined) set('description', input.description);
    if (input.tags !== undefined && input.tags !== null) set('tags', checkTags(input.tags));
    if (sets.length > 0) {
      try {
        await inTenant(this.db, orgId, (m) =>
          m.query(
            `UPDATE datasets.datasets SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 AND org_id = $2`,
            params,
          ),
        );
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ConflictError(`A dataset named "${input.name}" already exists in this organization.`, {
            field: 'name',
          });
        }
        throw err;
      }
    }
    return (await this.findById(orgId, id))!;
  }

  /** Deletes a dataset and its versions softly: both can be restored until the retention period ends. */
  async softDelete(orgId: string, id: string): Promise<Dataset> {
    await this.requireLive(orgId, id);
    await inTenant(this.db, orgId, async (m) => {
      await m.query(`UPDATE datasets.datasets SET deleted_at = now(), updated_at = now() WHERE id = $1`, [id]);
      await m.query(
        `UPDATE datasets.dataset_versions SET deleted_at = now() WHERE dataset_id = $1 AND deleted_at IS NULL`,
        [id],
      );
    });
    return (await this.findById(orgId, id))!;
  }

  /** Brings back a deleted dataset with the versions deleted with it (those not yet removed for good). */
  async restore(orgId: string, id: string): Promise<Dataset> {
    const dataset = await this.findById(orgId, id);
    if (!dataset) throw new NotFoundError(`There is no dataset ${id} in this organization.`);
    if (!dataset.deletedAt) return dataset;
    try {
      await inTenant(this.db, orgId, async (m) => {
        await m.query(`UPDATE datasets.datasets SET deleted_at = NULL, updated_at = now() WHERE id = $1`, [id]);
        await m.query(
          `UPDATE datasets.dataset_versions SET deleted_at = NULL
           WHERE dataset_id = $1 AND purged_at IS NULL AND deleted_at >= $2`,
          [id, dataset.deletedAt],
        );
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(
          `Another dataset is now named "${dataset.name}"; rename that one first, then restore this one.`,
        );
      }
      throw err;
    }
    return (await this.findById(orgId, id))!;
  }

  async requireLive(orgId: string, id: string): Promise<Dataset> {
    const dataset = await this.findById(orgId, id);
    if (!dataset || dataset.deletedAt) throw new NotFoundError(`There is no dataset ${id} in this organization.`);
    return dataset;
  }
}
