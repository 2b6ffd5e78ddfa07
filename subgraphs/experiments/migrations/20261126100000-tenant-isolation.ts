import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the experiments schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['experiments', 'runs', 'run_params', 'run_tags', 'metric_points'];

/** Puts the experiments tables under row-level security, so a tenant query sees only its organization's rows. */
export class ExperimentsTenantIsolation20261126100000 implements MigrationInterface {
  name = 'ExperimentsTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'experiments', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'experiments', tenantTables);
  }
}
