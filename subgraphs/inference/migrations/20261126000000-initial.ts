import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the inference subgraph owns: Deployment, Replica, TrafficSplit, EndpointHealth and PredictionStats. */
export class InferenceInitial20261126000000 implements MigrationInterface {
  name = 'InferenceInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inference.deployments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        name text NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX deployments_org_name_key ON inference.deployments (org_id, name);

      CREATE TABLE inference.replicas (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        deployment_id uuid NOT NULL REFERENCES inference.deployments (id) ON DELETE CASCADE,
        version_id uuid NOT NULL,
        status text NOT NULL,
        endpoint text,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE inference.traffic_splits (
        deployment_id uuid NOT NULL REFERENCES inference.deployments (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        version_id uuid NOT NULL,
        percent int NOT NULL CHECK (percent BETWEEN 0 AND 100),
        mode text NOT NULL DEFAULT 'primary',
        PRIMARY KEY (deployment_id, version_id)
      );

      CREATE TABLE inference.endpoint_health (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL,
        deployment_id uuid NOT NULL REFERENCES inference.deployments (id) ON DELETE CASCADE,
        healthy boolean NOT NULL,
        detail text,
        checked_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE inference.prediction_stats (
        deployment_id uuid NOT NULL REFERENCES inference.deployments (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        version_id uuid NOT NULL,
        minute timestamptz NOT NULL,
        requests bigint NOT NULL DEFAULT 0,
        errors bigint NOT NULL DEFAULT 0,
        latency_p50_ms double precision,
        latency_p99_ms double precision,
        PRIMARY KEY (deployment_id, version_id, minute)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE inference.prediction_stats;
      DROP TABLE inference.endpoint_health;
      DROP TABLE inference.traffic_splits;
      DROP TABLE inference.replicas;
      DROP TABLE inference.deployments;
    `);
  }
}
