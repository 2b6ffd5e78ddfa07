import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the releases schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['registered_models', 'model_versions', 'aliases', 'promotion_requests', 'rollouts'];

/** Puts the releases tables under row-level security, so a tenant query sees only its organization's rows. */
export class ReleasesTenantIsolation20261126100000 implements MigrationInterface {
  name = 'ReleasesTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'releases', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'releases', tenantTables);
  }
}
