import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the datasets schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['datasets', 'dataset_versions', 'dataset_files'];

/** Puts the datasets tables under row-level security, so a tenant query sees only its organization's rows. */
export class DatasetsTenantIsolation20261126100000 implements MigrationInterface {
  name = 'DatasetsTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'datasets', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'datasets', tenantTables);
  }
}
