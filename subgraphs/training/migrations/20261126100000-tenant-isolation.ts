import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the training schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['training_jobs', 'job_attempts'];

/** Puts the training tables under row-level security, so a tenant query sees only its organization's rows. */
export class TrainingTenantIsolation20261126100000 implements MigrationInterface {
  name = 'TrainingTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'training', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'training', tenantTables);
  }
}
