import { disableTenantIsolation, enableTenantIsolation } from '@aitip/kit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table of the agent schema: each holds an organization's rows and has `org_id`. */
const tenantTables = ['conversations', 'agent_tasks', 'messages', 'tool_calls', 'webhooks', 'recommendations'];

/** Puts the agent tables under row-level security, so a tenant query sees only its organization's rows. */
export class AgentTenantIsolation20261126100000 implements MigrationInterface {
  name = 'AgentTenantIsolation20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await enableTenantIsolation(q, 'agent', tenantTables);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'agent', tenantTables);
  }
}
