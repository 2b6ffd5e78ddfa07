import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import {
  disableTenantIsolation,
  enableTenantIsolation,
  inTenant,
  openServiceDatabase,
  sqlLiteral,
  tenantStatement,
} from '../src/index.js';
import { embeddedTestTarget, postgresTestTarget, type TestDatabaseTarget } from '../src/testing/index.js';

const orgA = '00000000-0000-4000-8000-00000000000a';
const orgB = '00000000-0000-4000-8000-00000000000b';

class ProjectsMigration20261126000000 implements MigrationInterface {
  name = 'ProjectsMigration20261126000000';
  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE tenancy.projects (id serial PRIMARY KEY, org_id uuid NOT NULL, name text NOT NULL)`);
    await enableTenantIsolation(q, 'tenancy', ['projects']);
  }
  async down(q: QueryRunner) {
    await disableTenantIsolation(q, 'tenancy', ['projects']);
    await q.query(`DROP TABLE tenancy.projects`);
  }
}

for (const kind of ['postgres', 'embedded'] as const) {
  describe(`tenant isolation with row-level security (${kind})`, () => {
    let target: TestDatabaseTarget;
    let db: DataSource;

    before(async () => {
      target = kind === 'postgres' ? await postgresTestTarget() : await embeddedTestTarget();
      db = await openServiceDatabase({
        target: target.target,
        schema: 'tenancy',
        entities: [],
        migrations: [ProjectsMigration20261126000000],
      });
      await db.query(`INSERT INTO tenancy.projects (org_id, name) VALUES ($1, 'a1'), ($1, 'a2'), ($2, 'b1')`, [
        orgA,
        orgB,
      ]);
    });
    after(async () => {
      await db?.destroy();
      await target?.close();
    });

    test('a query without an org filter sees only the active organization', async () => {
      const rows = await inTenant(db, orgA, (m) => m.query(`SELECT name FROM tenancy.projects ORDER BY name`));
      assert.deepEqual(
        rows.map((r: { name: string }) => r.name),
        ['a1', 'a2'],
      );
    });

    test('without an organization a tenant transaction sees nothing', async () => {
      const rows = await inTenant(db, undefined, (m) => m.query(`SELECT name FROM tenancy.projects`));
      assert.deepEqual(rows, []);
    });

    test('writing or moving a row into another organization is refused', async () => {
      await assert.rejects(
        inTenant(db, orgA, (m) => m.query(`INSERT INTO tenancy.projects (org_id, name) VALUES ($1, 'x')`, [orgB])),
        /row-level security/,
      );
      await assert.rejects(
        inTenant(db, orgA, (m) => m.query(`UPDATE tenancy.projects SET org_id = $1 WHERE name = 'a1'`, [orgB])),
        /row-level security/,
      );
      const updated = await inTenant(db, orgA, (m) =>
        m.query(`UPDATE tenancy.projects SET name = 'stolen' WHERE name = 'b1' RETURNING id`),
      );
      assert.deepEqual(updated[0], []);
      const deleted = await inTenant(db, orgA, (m) =>
        m.query(`DELETE FROM tenancy.projects WHERE name = 'b1' RETURNING id`),
      );
      assert.deepEqual(deleted[0], []);
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM tenancy.projects WHERE name = 'b1'`);
      assert.equal(count, 1);
    });

    test('the setting and the role last only for the transaction', async () => {
      await inTenant(db, orgA, (m) => m.query('SELECT 1'));
      const [row] = await db.query(
        `SELECT current_user AS "user", current_setting('app.org_id', true) AS org, (SELECT count(*)::int FROM tenancy.projects) AS count`,
      );
      assert.notEqual(row.user, 'aitip_tenant');
      assert.ok(!row.org, 'app.org_id is not left set on the connection');
      assert.equal(row.count, 3, 'the owner connection still sees every organization (cross-tenant paths)');
    });

    test('an organization id that is not a uuid cannot widen the filter', async () => {
      await assert.rejects(
        inTenant(db, `' OR 1=1 --`, (m) => m.query(`SELECT name FROM tenancy.projects`)),
        /invalid input syntax for type uuid/,
      );
    });

    test('tenantStatement: one statement in one round trip, with literals inlined and the same isolation', async () => {
      const tricky = [`it's`, 'back\\slash \\n', 'quote " and \' both', 'ünïcödé ✓', '$1 stays text'];
      const inserted = await tenantStatement<{ name: string }>(
        db,
        orgA,
        `INSERT INTO tenancy.projects (org_id, name) SELECT $1, n FROM unnest($2::text[]) AS u(n) RETURNING name`,
        [orgA, tricky],
      );
      assert.deepEqual(
        inserted.map((r) => r.name),
        tricky,
      );
      // the row-level security policy applies: another organization's rows are neither seen nor written
      const seen = await tenantStatement<{ name: string }>(db, orgB, `SELECT name FROM tenancy.projects`, []);
      assert.deepEqual(
        seen.map((r) => r.name),
        ['b1'],
      );
      await assert.rejects(
        tenantStatement(db, orgB, `INSERT INTO tenancy.projects (org_id, name) VALUES ($1, 'x')`, [orgA]),
        /row-level security/,
      );
      // a failed statement leaves no transaction open behind it: the next one works
      const after = await tenantStatement<{ n: number }>(
        db,
        orgA,
        `SELECT count(*)::int AS n FROM tenancy.projects WHERE name = ANY($1::text[])`,
        [tricky],
      );
      assert.equal(after[0]!.n, tricky.length);
      await db.query(`DELETE FROM tenancy.projects WHERE name = ANY($1::text[])`, [tricky]);
    });

    test('sqlLiteral renders what a statement needs, non-finite numbers as text', () => {
      assert.equal(sqlLiteral(null), 'NULL');
      assert.equal(sqlLiteral(1.5), '1.5');
      assert.equal(sqlLiteral(NaN), `'NaN'`);
      assert.equal(sqlLiteral(-Infinity), `'-Infinity'`);
      assert.equal(sqlLiteral(`a'b`), `'a''b'`);
      assert.equal(sqlLiteral('a\\b'), `E'a\\\\b'`);
      // the array's own escaping puts a backslash in the text, so the string takes the E'' form
      assert.equal(sqlLiteral([1, null, 'x"y']), `E'{1,NULL,"x\\\\"y"}'`);
      assert.equal(sqlLiteral([1, 'a b']), `'{1,"a b"}'`);
    });
    test('the migration goes down and up again', async () => {
      await db.undoLastMigration();
      await db.runMigrations();
      await db.query(`INSERT INTO tenancy.projects (org_id, name) VALUES ($1, 'b2')`, [orgB]);
      const rows = await inTenant(db, orgB, (m) => m.query(`SELECT name FROM tenancy.projects`));
      assert.deepEqual(rows, [{ name: 'b2' }]);
    });
  });
}
