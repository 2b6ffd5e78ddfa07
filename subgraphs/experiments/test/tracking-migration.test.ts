import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTenant, openServiceDatabase } from '@aitip/kit';
import { embeddedTestTarget, postgresTestTarget } from '@aitip/kit/dist/src/testing/index.js';
import { experimentsSubgraph } from '../src/subgraph.js';

for (const mode of ['real', 'embedded'] as const) {
  describe(`tracking migration (${mode === 'real' ? 'PostgreSQL' : 'embedded'})`, () => {
    test('goes up over existing rows, down, and up again', async () => {
      const database =
        mode === 'real' ? await postgresTestTarget('aitip_experiments_migration') : await embeddedTestTarget();
      const open = () =>
        openServiceDatabase({
          target: database.target,
          schema: 'experiments',
          entities: [],
          migrations: experimentsSubgraph.migrations.slice(0, 2),
        });
      try {
        // a run made before this migration, with a metric point
        let db = await open();
        const orgId = randomUUID();
        await inTenant(db, orgId, async (m) => {
          const [experiment] = (await m.query(
            `INSERT INTO experiments.experiments (org_id, name) VALUES ($1, 'old') RETURNING id`,
            [orgId],
          )) as Array<{ id: string }>;
          const [run] = (await m.query(
            `INSERT INTO experiments.runs (org_id, experiment_id, status, started_at) VALUES ($1, $2, 'FINISHED', now()) RETURNING id`,
            [orgId, experiment!.id],
          )) as Array<{ id: string }>;
          await m.query(
            `INSERT INTO experiments.metric_points (org_id, run_id, key, step, value, recorded_at) VALUES ($1, $2, 'loss', 0, 1, now())`,
            [orgId, run!.id],
          );
        });
        await db.destroy();

        db = await openServiceDatabase({
          target: database.target,
          schema: 'experiments',
          entities: [],
          migrations: experimentsSubgraph.migrations.slice(0, 3),
        });
        const [migrated] = (await inTenant(db, orgId, (m) =>
          m.query(
            `SELECT e.artifact_location, e.lifecycle_stage, r.start_time IS NOT NULL AS started, r.lifecycle_stage AS run_stage
             FROM experiments.experiments e JOIN experiments.runs r ON r.experiment_id = e.id`,
          ),
        )) as Array<{ artifact_location: string; lifecycle_stage: string; started: boolean; run_stage: string }>;
        assert.match(migrated!.artifact_location, /^mlflow-artifacts:\/[0-9a-f-]{36}$/);
        assert.equal(migrated!.lifecycle_stage, 'active');
        assert.equal(migrated!.started, true);
        assert.equal(migrated!.run_stage, 'active');
        // the new tables are under row-level security like the old ones
        const hidden = await inTenant(db, randomUUID(), (m) => m.query(`SELECT * FROM experiments.run_latest_metrics`));
        assert.deepEqual(hidden, []);

        await db.undoLastMigration({ transaction: 'each' });
        const [reverted] = (await db.query(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'experiments' AND table_name = 'runs' AND column_name = 'started_at'`,
        )) as Array<{ n: number }>;
        assert.equal(reverted!.n, 1);
        await db.runMigrations({ transaction: 'each' });
        const [points] = (await db.query(`SELECT count(*)::int AS n FROM experiments.metric_points`)) as Array<{
          n: number;
        }>;
        assert.equal(points!.n, 1);
        await db.destroy();

        // the metric-chunks migration carries the points over as one chunk per series, and back
        const pointRows = () =>
          inTenant(db, orgId, (m) =>
            m.query(
              `SELECT key, step, value, round(extract(epoch FROM recorded_at) * 1000)::bigint AS ms
               FROM experiments.metric_points ORDER BY key, step, recorded_at, value`,
            ),
          ) as Promise<unknown[]>;
        db = await openServiceDatabase({
          target: database.target,
          schema: 'experiments',
          entities: [],
          migrations: experimentsSubgraph.migrations.slice(0, 3),
        });
        await inTenant(db, orgId, async (m) => {
          const [run] = (await m.query(`SELECT id FROM experiments.runs`)) as Array<{ id: string }>;
          await m.query(
            `INSERT INTO experiments.metric_points (org_id, run_id, key, step, value, recorded_at) VALUES
               ($1, $2, 'loss', 2, 0.5, to_timestamp(1700000000.123)), ($1, $2, 'loss', 1, 'NaN', to_timestamp(1700000000)),
               ($1, $2, 'acc', 1, 0.25, to_timestamp(1700000000))`,
            [orgId, run!.id],
          );
        });
        const original = await pointRows();
        await db.destroy();
        db = await openServiceDatabase({
          target: database.target,
          schema: 'experiments',
          entities: [],
          migrations: experimentsSubgraph.migrations,
        });
        const chunks = (await inTenant(db, orgId, (m) =>
          m.query(
            `SELECT key, min_step, max_step, steps, vals, cardinality(times) AS n FROM experiments.metric_chunks ORDER BY key`,
          ),
        )) as Array<{ key: string; min_step: string; max_step: string; steps: string[]; vals: number[]; n: number }>;
        assert.deepEqual(
          chunks.map((c) => [c.key, Number(c.min_step), Number(c.max_step), c.steps.map(Number), c.n]),
          [
            ['acc', 1, 1, [1], 1],
            ['loss', 0, 2, [0, 1, 2], 3],
          ],
        );
        assert.ok(Number.isNaN(chunks[1]!.vals[1]));
        const hiddenChunks = await inTenant(db, randomUUID(), (m) =>
          m.query(`SELECT * FROM experiments.metric_chunks`),
        );
        assert.deepEqual(hiddenChunks, []);
        await db.undoLastMigration({ transaction: 'each' });
        assert.deepEqual(await pointRows(), original);
        await db.destroy();
      } finally {
        await database.close();
      }
    });
  });
}
