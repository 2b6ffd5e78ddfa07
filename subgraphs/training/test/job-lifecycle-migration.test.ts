import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTenant, openServiceDatabase } from '@aitip/kit';
import { embeddedTestTarget, postgresTestTarget } from '@aitip/kit/dist/src/testing/index.js';
import { trainingSubgraph } from '../src/subgraph.js';

for (const mode of ['real', 'embedded'] as const) {
  describe(`job lifecycle migration (${mode === 'real' ? 'PostgreSQL' : 'embedded'})`, () => {
    test('goes up over existing rows, down, and up again', async () => {
      const database =
        mode === 'real' ? await postgresTestTarget('aitip_training_migration') : await embeddedTestTarget();
      const open = (count: number) =>
        openServiceDatabase({
          target: database.target,
          schema: 'training',
          entities: [],
          migrations: trainingSubgraph.migrations.slice(0, count),
        });
      try {
        // jobs and an attempt made before this migration, one with a status the lifecycle does not know
        let db = await open(2);
        const orgId = randomUUID();
        await inTenant(db, orgId, async (m) => {
          const [job] = (await m.query(
            `INSERT INTO training.training_jobs (org_id, name, status) VALUES ($1, 'old', 'RUNNING') RETURNING id`,
            [orgId],
          )) as Array<{ id: string }>;
          await m.query(`INSERT INTO training.training_jobs (org_id, name, status) VALUES ($1, 'odd', 'weird')`, [
            orgId,
          ]);
          await m.query(
            `INSERT INTO training.job_attempts (org_id, job_id, attempt, status) VALUES ($1, $2, 1, 'RUNNING')`,
            [orgId, job!.id],
          );
        });
        await db.destroy();

        db = await open(3);
        const jobs = (await inTenant(db, orgId, (m) =>
          m.query(
            `SELECT name, status, spec, backend, attempts, max_retries, cancel_requested FROM training.training_jobs ORDER BY name`,
          ),
        )) as Array<Record<string, unknown>>;
        assert.deepEqual(
          jobs.map((j) => [j['name'], j['status'], j['backend'], j['attempts'], j['cancel_requested']]),
          [
            ['odd', 'FAILED', 'local', 0, false],
            ['old', 'RUNNING', 'local', 0, false],
          ],
        );
        const [attempt] = (await inTenant(db, orgId, (m) =>
          m.query(`SELECT status, log_lines, heartbeat_at FROM training.job_attempts`),
        )) as Array<Record<string, unknown>>;
        assert.equal(attempt!['status'], 'RUNNING');
        assert.equal(Number(attempt!['log_lines']), 0);
        // the status check refuses what the lifecycle does not know
        await assert.rejects(
          inTenant(db, orgId, (m) =>
            m.query(`INSERT INTO training.training_jobs (org_id, name, status) VALUES ($1, 'bad', 'DONE')`, [orgId]),
          ),
          /training_jobs_status_check/,
        );
        // both tables stay under row-level security
        assert.deepEqual(await inTenant(db, randomUUID(), (m) => m.query(`SELECT * FROM training.training_jobs`)), []);
        assert.deepEqual(await inTenant(db, randomUUID(), (m) => m.query(`SELECT * FROM training.job_attempts`)), []);

        await db.undoLastMigration({ transaction: 'each' });
        const [columns] = (await db.query(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'training' AND table_name = 'training_jobs' AND column_name = 'spec'`,
        )) as Array<{ n: number }>;
        assert.equal(columns!.n, 0);
        await db.runMigrations({ transaction: 'each' });
        const [count] = (await db.query(`SELECT count(*)::int AS n FROM training.training_jobs`)) as Array<{
          n: number;
        }>;
        assert.equal(count!.n, 2);
        await db.destroy();
      } finally {
        await database.close();
      }
    });
  });
}
