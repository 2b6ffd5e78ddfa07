import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the inference schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['deployments', 'replicas', 'traffic_splits', 'endpoint_health', 'prediction_stats'];

/** Puts the inference tables under row-level security, so a tenant query sees only its organization's rows. */
export class InferenceTenantIsolation20261126100000 implements MigrationInterface {
  name = 'InferenceTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'inference', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'inference', tenantTables);
  }
}
