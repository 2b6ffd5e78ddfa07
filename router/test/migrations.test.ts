import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openServiceDatabase, type DatabaseTarget } from '@aitip/kit';
import { embeddedTestTarget, postgresTestTarget, type TestDatabaseTarget } from '@aitip/kit/dist/src/testing/index.js';
import { platformSubgraphs } from '../src/platform-subgraphs.js';

// Every subgraph's migrations go up, down to nothing, and up again, on both databases.
function migrationSuite(label: string, open: () => Promise<TestDatabaseTarget>) {
  describe(`subgraph migrations on ${label}`, () => {
    let target: DatabaseTarget;
    let close: () => Promise<void>;
    before(async () => ({ target, close } = await open()));
    after(async () => close?.());

    for (const subgraph of platformSubgraphs) {
      test(`${subgraph.name}: up, down, up`, async () => {
        const db = await openServiceDatabase({
          target,
          schema: subgraph.name,
          entities: subgraph.entities,
          migrations: subgraph.migrations,
        });
        const tables = async () =>
          (
            await db.query(
              `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'migrations' ORDER BY 1`,
              [subgraph.name],
            )
          ).map((r: { table_name: string }) => r.table_name);
        const created = await tables();
        assert.ok(created.length >= 1, 'the first migration creates the owned tables');
        for (const entity of subgraph.entities) {
          const table = db.getMetadata(entity).tableName;
          assert.ok(created.includes(table), `entity table ${table} exists`);
          await db.getRepository(entity).count(); // the mapping matches the table
        }
        for (let i = 0; i < subgraph.migrations.length; i++) await db.undoLastMigration({ transaction: 'each' });
        assert.deepEqual(await tables(), []);
        await db.runMigrations({ transaction: 'each' });
        assert.deepEqual(await tables(), created);
        await db.destroy();
      });
    }
  });
}

migrationSuite('PostgreSQL', () => postgresTestTarget('aitip_migrations'));
migrationSuite('PGlite', () => embeddedTestTarget());
