import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the tests schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['test_suites', 'test_runs', 'test_cases', 'gate_results'];

/** Puts the tests tables under row-level security, so a tenant query sees only its organization's rows. */
export class TestsTenantIsolation20261126100000 implements MigrationInterface {
  name = 'TestsTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'tests', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'tests', tenantTables);
  }
}
