import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the releases subgraph owns: RegisteredModel, ModelVersion (lineage), Alias, PromotionRequest and Rollout. */
export class ReleasesInitial20261126000000 implements MigrationInterface {
  name = 'ReleasesInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE releases.registered_models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE releases.model_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        model_id uuid NOT NULL,
        version int NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX registered_models_org_name_key ON releases.registered_models (org_id, name);
      CREATE UNIQUE INDEX model_versions_model_version_key ON releases.model_versions (model_id, version);
      ALTER TABLE releases.model_versions ADD FOREIGN KEY (model_id) REFERENCES releases.registered_models (id) ON DELETE CASCADE;

      CREATE TABLE releases.aliases (
        model_id uuid NOT NULL REFERENCES releases.registered_models (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        alias text NOT NULL,
        version_id uuid NOT NULL REFERENCES releases.model_versions (id) ON DELETE CASCADE,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_id, alias)
      );

      CREATE TABLE releases.promotion_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        version_id uuid NOT NULL REFERENCES releases.model_versions (id) ON DELETE CASCADE,
        target_stage text NOT NULL,
        status text NOT NULL,
        requested_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE releases.rollouts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        version_id uuid NOT NULL REFERENCES releases.model_versions (id) ON DELETE CASCADE,
        strategy text NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE releases.rollouts;
      DROP TABLE releases.promotion_requests;
      DROP TABLE releases.aliases;
      DROP TABLE releases.model_versions;
      DROP TABLE releases.registered_models;
    `);
  }
}
