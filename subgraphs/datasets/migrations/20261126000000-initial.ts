import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the datasets subgraph owns: Dataset and DatasetVersion (files, content hash, schema, stats, preview). */
export class DatasetsInitial20261126000000 implements MigrationInterface {
  name = 'DatasetsInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE datasets.datasets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        name text NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE datasets.dataset_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        dataset_id uuid NOT NULL,
        version int NOT NULL,
        status text NOT NULL,
        content_hash text,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX datasets_org_name_key ON datasets.datasets (org_id, name);
      CREATE UNIQUE INDEX dataset_versions_dataset_version_key ON datasets.dataset_versions (dataset_id, version);
      ALTER TABLE datasets.dataset_versions ADD FOREIGN KEY (dataset_id) REFERENCES datasets.datasets (id) ON DELETE CASCADE;

      CREATE TABLE datasets.dataset_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        version_id uuid NOT NULL REFERENCES datasets.dataset_versions (id) ON DELETE CASCADE,
        path text NOT NULL,
        size_bytes bigint NOT NULL,
        sha256 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (version_id, path)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE datasets.dataset_files;
      DROP TABLE datasets.dataset_versions;
      DROP TABLE datasets.datasets;
    `);
  }
}
