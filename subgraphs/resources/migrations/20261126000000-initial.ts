import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the resources subgraph owns: NodePool, Node, Device (GPU), Quota, UsageRecord and Invoice. */
export class ResourcesInitial20261126000000 implements MigrationInterface {
  name = 'ResourcesInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE resources.node_pools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE resources.nodes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pool_id uuid NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX node_pools_name_key ON resources.node_pools (name);
      ALTER TABLE resources.nodes ADD FOREIGN KEY (pool_id) REFERENCES resources.node_pools (id) ON DELETE CASCADE;

      CREATE TABLE resources.devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        node_id uuid NOT NULL REFERENCES resources.nodes (id) ON DELETE CASCADE,
        kind text NOT NULL,
        model text NOT NULL,
        memory_mib int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE resources.quotas (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        resource text NOT NULL,
        hard_limit bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, resource)
      );

      CREATE TABLE resources.usage_records (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL,
        resource text NOT NULL,
        quantity double precision NOT NULL,
        source_type text,
        source_id text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX usage_records_org_time ON resources.usage_records (org_id, recorded_at);

      CREATE TABLE resources.invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        total_cents bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, period_start)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE resources.invoices;
      DROP TABLE resources.usage_records;
      DROP TABLE resources.quotas;
      DROP TABLE resources.devices;
      DROP TABLE resources.nodes;
      DROP TABLE resources.node_pools;
    `);
  }
}
