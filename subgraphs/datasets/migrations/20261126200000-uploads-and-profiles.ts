import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upload sessions, version profiles and soft deletion: a version row is made only when an upload's
 * files validate, so a bad upload leaves a report on its session and no version.
 */
export class DatasetsUploadsAndProfiles20261126200000 implements MigrationInterface {
  name = 'DatasetsUploadsAndProfiles20261126200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE datasets.datasets
        ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
        ADD COLUMN created_by text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN deleted_at timestamptz;
      DROP INDEX datasets.datasets_org_name_key;
      CREATE UNIQUE INDEX datasets_org_name_key ON datasets.datasets (org_id, name) WHERE deleted_at IS NULL;
      CREATE INDEX datasets_org_created ON datasets.datasets (org_id, created_at DESC, id DESC);

      ALTER TABLE datasets.dataset_versions
        ADD COLUMN size_bytes bigint NOT NULL DEFAULT 0,
        ADD COLUMN file_count int NOT NULL DEFAULT 0,
        ADD COLUMN row_count bigint,
        ADD COLUMN format text,
        ADD COLUMN columns jsonb,
        ADD COLUMN preview jsonb,
        ADD COLUMN images jsonb,
        ADD COLUMN label_column text,
        ADD COLUMN description text,
        ADD COLUMN upload_id uuid,
        ADD COLUMN created_by text,
        ADD COLUMN deleted_at timestamptz,
        ADD COLUMN purged_at timestamptz;
      CREATE UNIQUE INDEX dataset_versions_manifest ON datasets.dataset_versions (dataset_id, content_hash)
        WHERE deleted_at IS NULL AND purged_at IS NULL;

      ALTER TABLE datasets.dataset_files
        ADD COLUMN blob_key text,
        ADD COLUMN format text,
        ADD COLUMN split text,
        ADD COLUMN row_count bigint,
        ADD COLUMN profile jsonb;

      CREATE TABLE datasets.upload_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        dataset_id uuid NOT NULL REFERENCES datasets.datasets (id) ON DELETE CASCADE,
        status text NOT NULL,
        files jsonb NOT NULL,
        total_bytes bigint NOT NULL,
        label_column text,
        description text,
        progress real NOT NULL DEFAULT 0,
        issues jsonb,
        version_id uuid,
        deduplicated boolean NOT NULL DEFAULT false,
        created_by text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX upload_sessions_open ON datasets.upload_sessions (status, expires_at);

      CREATE TABLE datasets.dataset_version_uses (
        org_id uuid NOT NULL,
        version_id uuid NOT NULL REFERENCES datasets.dataset_versions (id) ON DELETE CASCADE,
        used_by_type text NOT NULL,
        used_by_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (version_id, used_by_type, used_by_id)
      );
    `);
    await enableTenantIsolation(q, 'datasets', ['upload_sessions', 'dataset_version_uses']);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'datasets', ['upload_sessions', 'dataset_version_uses']);
    await q.query(`
      DROP TABLE datasets.dataset_version_uses;
      DROP TABLE datasets.upload_sessions;
      ALTER TABLE datasets.dataset_files DROP COLUMN blob_key, DROP COLUMN format, DROP COLUMN split,
        DROP COLUMN row_count, DROP COLUMN profile;
      DROP INDEX datasets.dataset_versions_manifest;
      ALTER TABLE datasets.dataset_versions DROP COLUMN size_bytes, DROP COLUMN file_count, DROP COLUMN row_count,
        DROP COLUMN format, DROP COLUMN columns, DROP COLUMN preview, DROP COLUMN images, DROP COLUMN label_column,
        DROP COLUMN description, DROP COLUMN upload_id, DROP COLUMN created_by, DROP COLUMN deleted_at,
        DROP COLUMN purged_at;
      DROP INDEX datasets.datasets_org_created;
      DROP INDEX datasets.datasets_org_name_key;
      CREATE UNIQUE INDEX datasets_org_name_key ON datasets.datasets (org_id, name);
      ALTER TABLE datasets.datasets DROP COLUMN tags, DROP COLUMN created_by, DROP COLUMN updated_at,
        DROP COLUMN deleted_at;
    `);
  }
}
