import { disableTenantIsolation, enableTenantIsolation, TENANT_ROLE } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The resources tables that hold an organization's rows (they all have `org_id`). */
const tenantTables = ['quotas', 'usage_records', 'invoices'];

/**
 * Node pools, nodes and devices are the platform's shared hardware, not tenant data (no `org_id`):
 * tenant queries may read them but never change them.
 */
const sharedTables = ['node_pools', 'nodes', 'devices'];

/** Puts the resources tenant tables under row-level security, so a tenant query sees only its organization's rows. */
export class ResourcesTenantIsolation20261126100000 implements MigrationInterface {
  name = 'ResourcesTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'resources', tenantTables);
    for (const table of sharedTables) await q.query(`GRANT SELECT ON resources.${table} TO ${TENANT_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of sharedTables) await q.query(`REVOKE ALL ON resources.${table} FROM ${TENANT_ROLE}`);
    await disableTenantIsolation(q, 'resources', tenantTables);
  }
}
