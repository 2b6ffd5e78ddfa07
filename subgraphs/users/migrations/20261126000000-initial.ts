import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the users subgraph owns: users, organizations, memberships, API keys, audit events. */
export class UsersInitial20261126000000 implements MigrationInterface {
  name = 'UsersInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users.users (lower(email));

      CREATE TABLE users.organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE users.memberships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES users.organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users.users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, user_id)
      );

      CREATE TABLE users.api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES users.organizations (id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        secret_hash text NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        created_by uuid REFERENCES users.users (id) ON DELETE SET NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX api_keys_prefix_key ON users.api_keys (prefix);

      CREATE TABLE users.audit_events (
        id bigserial PRIMARY KEY,
        org_id uuid,
        actor_kind text NOT NULL,
        actor_id text,
        action text NOT NULL,
        target_type text,
        target_id text,
        result text NOT NULL,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_events_org_created ON users.audit_events (org_id, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE users.audit_events;
      DROP TABLE users.api_keys;
      DROP TABLE users.memberships;
      DROP TABLE users.organizations;
      DROP TABLE users.users;
    `);
  }
}
