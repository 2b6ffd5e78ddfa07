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
          migrations: experimentsSubgraph.migrations,
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
      } finally {
        await database.close();
      }
    });
  });
}
