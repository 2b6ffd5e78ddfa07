import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import pg from 'pg';
import { isUuid } from '../ids.js';
import { returnedRows } from './rows.js';

/**
 * The database role tenant queries run as. It owns nothing, so PostgreSQL applies the
 * row-level security policies to it; the service's own (owner) connection keeps the
 * cross-tenant paths (sign-in, API key lookup, migrations).
 */
export const TENANT_ROLE = 'aitip_tenant';

/** The transaction-local setting the policies compare each row's `org_id` with. */
export const TENANT_SETTING = 'app.org_id';

/**
 * Runs `work` in a transaction that sees only the rows of `orgId`: it switches to the tenant role and
 * sets `app.org_id` for this transaction only, so the row-level security policies hide every other
 * organization's rows even from a query that forgets its `org_id` filter. Without an organization
 * the transaction sees no tenant rows at all.
 */
export async function inTenant<T>(
  db: DataSource,
  orgId: string | undefined,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return db.transaction(async (manager) => {
    await manager.query(`SELECT set_config('role', $1, true), set_config($2, $3, true)`, [
      TENANT_ROLE,
      TENANT_SETTING,
      orgId ?? '',
    ]);
    return work(manager);
  });
}

function quoted(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain lower-case SQL name.`);
  return `"${name}"`;
}

/**
 * Migration step: lets the tenant role use `schema` and puts a row-level security policy on each
 * table keyed on `org_id = current_setting('app.org_id')`. Idempotent about the role, which is
 * shared by every service in the database cluster. The connecting user needs CREATEROLE the first
 * time (or a DBA creates `aitip_tenant` and grants it to the user).
 */
export async function enableTenantIsolation(q: QueryRunner, schema: string, tables: string[]): Promise<void> {
  const s = quoted(schema);
  await q.query(`
    DO $$ BEGIN
      CREATE ROLE ${TENANT_ROLE} NOLOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  await q.query(`
    DO $$ BEGIN
      IF NOT pg_has_role(current_user, '${TENANT_ROLE}', 'MEMBER') THEN
        EXECUTE format('GRANT ${TENANT_ROLE} TO %I', current_user);
      END IF;
    END $$`);
  await q.query(`GRANT USAGE ON SCHEMA ${s} TO ${TENANT_ROLE}`);
  await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${TENANT_ROLE}`);
  for (const table of tables) {
    const t = `${s}.${quoted(table)}`;
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO ${TENANT_ROLE}`);
    await q.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON ${t}
        USING (org_id = NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid)
        WITH CHECK (org_id = NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid)`);
  }
}

/** Reverses enableTenantIsolation for `tables` (the shared role stays). */
export async function disableTenantIsolation(q: QueryRunner, schema: string, tables: string[]): Promise<void> {
  const s = quoted(schema);
  for (const table of tables) {
    const t = `${s}.${quoted(table)}`;
    await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${t}`);
    await q.query(`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`);
    await q.query(`REVOKE ALL ON ${t} FROM ${TENANT_ROLE}`);
  }
  await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${TENANT_ROLE}`);
  await q.query(`REVOKE USAGE ON SCHEMA ${s} FROM ${TENANT_ROLE}`);
}

/** A value as an SQL literal: NULL, a number, or a quoted string (an array goes as its array literal text). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `'${String(value)}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Array.isArray(value)) return sqlLiteral(arrayLiteral(value));
  const text = String(value);
  // with a backslash, the E'' form, whatever standard_conforming_strings says
  return text.includes('\\')
    ? `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
    : `'${text.replace(/'/g, "''")}'`;
}

/** A one-dimensional PostgreSQL array literal (`{1,"a b",NULL}`), every non-number element quoted. */
function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    return `"${String(v).replace(/["\\]/g, '\\$&')}"`;
  });
  return `{${elements.join(',')}}`;
}

/**
 * Runs one statement as `orgId`'s tenant, like `inTenant`, in a single round trip: the transaction's
 * start, the tenant settings, the statement and the commit go as one simple-protocol message, so
 * `params` ($1, $2, … in `sql`) are inlined as escaped literals. For hot paths where each round trip
 * (a socket write and a wake-up on both sides) costs more than the statement. On the embedded
 * database it falls back to `inTenant`. Answers the statement's rows.
 */
export async function tenantStatement<T>(
  db: DataSource,
  orgId: string,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  // typeorm's PostgreSQL driver keeps its node-postgres pool as `master`; the embedded database's
  // stand-in for it runs one statement per message
  const pool = (db.driver as { master?: unknown }).master;
  // the organization id is inlined below: only a well-formed uuid may be
  if (!(pool instanceof pg.Pool) || !isUuid(orgId)) {
    return inTenant(db, orgId, async (m) => returnedRows<T>(await m.query(sql, [...params])));
  }
  const inlined = sql.replace(/\$(\d+)\b/g, (_, n: string) => sqlLiteral(params[Number(n) - 1]));
  const client = await pool.connect();
  try {
    const results = (await client.query(
      `START TRANSACTION; SELECT set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', '${orgId}', true); ${inlined}; COMMIT`,
    )) as unknown as Array<{ rows: T[] }>;
    client.release();
    return results[2]!.rows;
  } catch (err) {
    // a failed statement leaves the transaction open and aborted: end it before the connection is reused
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch {
      client.release(true);
    }
    throw err;
  }
}
