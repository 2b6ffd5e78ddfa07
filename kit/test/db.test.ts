import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Column,
  Entity,
  PrimaryGeneratedColumn,
  type DataSource,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirectoryInUseError, EmbeddedPostgres, openServiceDatabase, type DatabaseTarget } from '../src/index.js';
import { embeddedTestTarget, postgresTestTarget, type TestDatabaseTarget } from '../src/testing/index.js';

@Entity({ name: 'notes' })
class Note {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'bigint', name: 'big' })
  big: string;
}

function notesMigration(schema: string) {
  return class implements MigrationInterface {
    name = `Notes${schema}20261126000000`;
    async up(q: QueryRunner) {
      await q.query(
        `CREATE TABLE "${schema}".notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text NOT NULL, big bigint NOT NULL DEFAULT 0)`,
      );
    }
    async down(q: QueryRunner) {
      await q.query(`DROP TABLE "${schema}".notes`);
    }
  };
}

const open = (target: DatabaseTarget, schema: string) =>
  openServiceDatabase({ target, schema, entities: [Note], migrations: [notesMigration(schema)] });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function contract(name: string, makeTarget: () => Promise<TestDatabaseTarget>) {
  describe(`db contract: ${name}`, () => {
    let target: DatabaseTarget;
    let close: () => Promise<void>;
    let a: DataSource;
    let b: DataSource;

    before(async () => {
      ({ target, close } = await makeTarget());
      [a, b] = await Promise.all([open(target, 'svc_a'), open(target, 'svc_b')]);
    });
    after(async () => {
      await a?.destroy();
      await b?.destroy();
      await close?.();
    });

    test('each service gets its own schema with its migrations applied once', async () => {
      const tables = await a.query(
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('svc_a','svc_b') ORDER BY 1, 2`,
      );
      assert.deepEqual(
        tables.map((t: { table_schema: string; table_name: string }) => `${t.table_schema}.${t.table_name}`),
        ['svc_a.migrations', 'svc_a.notes', 'svc_b.migrations', 'svc_b.notes'],
      );
      // opening again runs nothing new and keeps the data
      await a.getRepository(Note).save({ body: 'kept', big: '9007199254740993' });
      const again = await open(target, 'svc_a');
      const rows = await again.getRepository(Note).findBy({ body: 'kept' });
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.big, '9007199254740993', 'bigint keeps full precision as a string');
      const applied = await again.query(`SELECT count(*)::int AS n FROM svc_a.migrations`);
      assert.equal(applied[0].n, 1);
      await again.destroy();
    });

    test('two services writing at once never interleave their transactions', async () => {
      const failing = a.transaction(async (m) => {
        await m.getRepository(Note).save({ body: 'rolled-back', big: '1' });
        await sleep(100); // let the other service try to write in the middle
        throw new Error('abort');
      });
      const committing = (async () => {
        await sleep(20);
        await b.transaction(async (m) => {
          await m.getRepository(Note).save({ body: 'committed', big: '2' });
        });
      })();
      await assert.rejects(failing, /abort/);
      await committing;
      assert.equal(await a.getRepository(Note).countBy({ body: 'rolled-back' }), 0);
      assert.equal(await b.getRepository(Note).countBy({ body: 'committed' }), 1);
    });

    test('many concurrent transactions on both services all commit exactly once', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).transaction(async (m) => {
            const repo = m.getRepository(Note);
            await repo.save({ body: `burst-${i}`, big: String(i) });
            await sleep(i % 3);
            await repo.update({ body: `burst-${i}` }, { big: String(i * 10) });
          }),
        ),
      );
      const aRows = await a.query(
        `SELECT count(*)::int AS n, sum(big)::text AS s FROM svc_a.notes WHERE body LIKE 'burst-%'`,
      );
      const bRows = await b.query(
        `SELECT count(*)::int AS n, sum(big)::text AS s FROM svc_b.notes WHERE body LIKE 'burst-%'`,
      );
      assert.equal(aRows[0].n + bRows[0].n, 20);
      assert.equal(BigInt(aRows[0].s) + BigInt(bRows[0].s), BigInt((10 * (19 * 20)) / 2));
    });

    test('migrations go down and up again', async () => {
      const ds = await open(target, 'svc_c');
      await ds.undoLastMigration({ transaction: 'each' });
      const gone = await ds.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'svc_c' AND table_name = 'notes'`,
      );
      assert.equal(gone[0].n, 0);
      await ds.runMigrations({ transaction: 'each' });
      await ds.getRepository(Note).save({ body: 'back', big: '3' });
      await ds.destroy();
    });

    test('a failed statement inside a transaction rolls it back and the connection stays usable', async () => {
      await assert.rejects(
        a.transaction(async (m) => {
          await m.getRepository(Note).save({ body: 'partial', big: '4' });
          await m.query('SELECT * FROM svc_a.no_such_table');
        }),
      );
      assert.equal(await a.getRepository(Note).countBy({ body: 'partial' }), 0);
      assert.equal((await a.query('SELECT 1 AS one'))[0].one, 1);
    });
  });
}

contract('PostgreSQL', () => postgresTestTarget());
contract('PGlite (embedded)', () => embeddedTestTarget());

test('a second process cannot open an embedded database directory that is in use', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'aitip-lock-')), 'pgdata');
  const first = await EmbeddedPostgres.open(dir);
  await assert.rejects(EmbeddedPostgres.open(dir), (err: unknown) => {
    assert.ok(err instanceof DataDirectoryInUseError);
    assert.match(
      (err as Error).message,
      new RegExp(`in use by process ${process.pid}\\. Stop that AITIP process first`),
    );
    return true;
  });
  await first.close();
  const again = await EmbeddedPostgres.open(dir); // released on close
  await again.close();
});
