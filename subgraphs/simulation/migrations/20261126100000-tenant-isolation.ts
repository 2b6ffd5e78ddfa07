import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the simulation schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['scenarios', 'simulation_runs', 'findings', 'reports'];

/** Puts the simulation tables under row-level security, so a tenant query sees only its organization's rows. */
export class SimulationTenantIsolation20261126100000 implements MigrationInterface {
  name = 'SimulationTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'simulation', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'simulation', tenantTables);
  }
}
