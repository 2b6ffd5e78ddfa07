import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation, TENANT_ROLE } from '@aitip/kit';

/** The tenant tables: each has `org_id`, and tenant queries see only their organization's rows. */
const TENANT_TABLES = ['memberships', 'invitations', 'api_keys', 'secrets', 'audit_events'];

/**
 * Identity: instance admins, invitations, refresh tokens, setup tokens, encrypted secrets, the audit
 * log's storing columns; row-level security on the tenant tables and an append-only audit log.
 */
export class UsersIdentity20261126100000 implements MigrationInterface {
  name = 'UsersIdentity20261126100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users.users ADD COLUMN is_instance_admin boolean NOT NULL DEFAULT false;

      CREATE INDEX memberships_user ON users.memberships (user_id, created_at);

      CREATE TABLE users.invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES users.organizations (id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        token_hash text NOT NULL UNIQUE,
        invited_by uuid REFERENCES users.users (id) ON DELETE SET NULL,
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid REFERENCES users.users (id) ON DELETE SET NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX invitations_org ON users.invitations (org_id, created_at);

      CREATE TABLE users.refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users.users (id) ON DELETE CASCADE,
        org_id uuid REFERENCES users.organizations (id) ON DELETE SET NULL,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX refresh_tokens_family ON users.refresh_tokens (family_id);

      CREATE TABLE users.setup_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE users.secrets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES users.organizations (id) ON DELETE CASCADE,
        name text NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        ciphertext bytea NOT NULL,
        created_by uuid REFERENCES users.users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, name)
      );

      ALTER TABLE users.audit_events
        ADD COLUMN message_id text,
        ADD COLUMN error_code text,
        ADD COLUMN service text NOT NULL DEFAULT 'unknown',
        ADD COLUMN client_ip text;
      CREATE UNIQUE INDEX audit_events_message_id_key ON users.audit_events (message_id);
      CREATE INDEX audit_events_org_id_desc ON users.audit_events (org_id, id DESC);

      CREATE FUNCTION users.audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit events are append-only';
      END
      $$;
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON users.audit_events
        FOR EACH ROW EXECUTE FUNCTION users.audit_events_append_only();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON users.audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION users.audit_events_append_only();
    `);
    await enableTenantIsolation(q, 'users', TENANT_TABLES);
    // the audit log is append-only: tenants read and insert, never change or remove
    await q.query(`REVOKE UPDATE, DELETE ON users.audit_events FROM ${TENANT_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await disableTenantIsolation(q, 'users', TENANT_TABLES);
    await q.query(`
      DROP TRIGGER audit_events_no_truncate ON users.audit_events;
      DROP TRIGGER audit_events_append_only ON users.audit_events;
      DROP FUNCTION users.audit_events_append_only();
      DROP INDEX users.audit_events_org_id_desc;
      DROP INDEX users.audit_events_message_id_key;
      ALTER TABLE users.audit_events
        DROP COLUMN message_id,
        DROP COLUMN error_code,
        DROP COLUMN service,
        DROP COLUMN client_ip;
      DROP TABLE users.secrets;
      DROP TABLE users.setup_tokens;
      DROP TABLE users.refresh_tokens;
      DROP TABLE users.invitations;
      DROP INDEX users.memberships_user;
      ALTER TABLE users.users DROP COLUMN is_instance_admin;
    `);
  }
}
