import { disableTenantIsolation, enableTenantIsolation, TENANT_ROLE } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The scheduler tables that hold an organization's rows (they all have `org_id`). */
const tenantTables = ['queue_entries', 'allocations', 'scheduling_events'];

/**
 * Priority classes are platform-wide levels every organization picks from, not tenant data (no `org_id`):
 * tenant queries may read them but never change them.
 */
const sharedTables = ['priority_classes'];

/** Puts the scheduler tenant tables under row-level security, so a tenant query sees only its organization's rows. */
export class SchedulerTenantIsolation20261126100000 implements MigrationInterface {
  name = 'SchedulerTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'scheduler', tenantTables);
    for (const table of sharedTables) await q.query(`GRANT SELECT ON scheduler.${table} TO ${TENANT_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of sharedTables) await q.query(`REVOKE ALL ON scheduler.${table} FROM ${TENANT_ROLE}`);
    await disableTenantIsolation(q, 'scheduler', tenantTables);
  }
}
