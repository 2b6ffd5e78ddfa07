import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { openServiceDatabase } from '@aitip/kit';
import { embeddedTestTarget, postgresTestTarget, type TestDatabaseTarget } from '@aitip/kit/dist/src/testing/index.js';
import { buildExperimentSearch, buildRunSearch } from '../src/search/index.js';
import type { SearchExperimentsInput, SearchRunsInput } from '../src/tracking/api.js';

/** Tables shaped like the contract's (schema `experiments`), without the service's other columns' logic. */
class SearchTables1764100000000 implements MigrationInterface {
  name = 'SearchTables1764100000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE experiments.experiments (id uuid PRIMARY KEY, org_id uuid NOT NULL, name text NOT NULL,
      description text, artifact_location text NOT NULL, lifecycle_stage text NOT NULL DEFAULT 'active', created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(), UNIQUE (org_id, name))`);
    await q.query(`CREATE TABLE experiments.experiment_tags (experiment_id uuid NOT NULL REFERENCES experiments.experiments ON DELETE CASCADE,
      org_id uuid NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (experiment_id, key))`);
    await q.query(`CREATE TABLE experiments.runs (id uuid PRIMARY KEY, org_id uuid NOT NULL,
      experiment_id uuid NOT NULL REFERENCES experiments.experiments, name text, status text NOT NULL,
      start_time timestamptz, end_time timestamptz, user_id uuid, source_job_id uuid, parent_run_id uuid,
      lifecycle_stage text NOT NULL DEFAULT 'active', created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX runs_search ON experiments.runs (org_id, experiment_id, start_time DESC NULLS LAST, id)`,
    );
    for (const table of ['run_params', 'run_tags']) {
      await q.query(`CREATE TABLE experiments.${table} (run_id uuid NOT NULL REFERENCES experiments.runs ON DELETE CASCADE,
        org_id uuid NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (run_id, key))`);
    }
    await q.query(`CREATE TABLE experiments.run_latest_metrics (run_id uuid NOT NULL REFERENCES experiments.runs ON DELETE CASCADE,
      org_id uuid NOT NULL, key text NOT NULL, value double precision NOT NULL, step bigint NOT NULL,
      recorded_at timestamptz NOT NULL, min_value double precision, max_value double precision, point_count bigint NOT NULL,
      PRIMARY KEY (run_id, key))`);
    await q.query(`CREATE TABLE experiments.run_inputs (id uuid PRIMARY KEY, run_id uuid NOT NULL REFERENCES experiments.runs,
      org_id uuid NOT NULL, dataset jsonb NOT NULL, tags jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(): Promise<void> {}
}

const ORG = randomUUID();
const USER = randomUUID();
/** Fixed ids so ties on start_time have a known order (the run id breaks them). */
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const E1 = id(901);
const E2 = id(902);

interface RunSeed {
  n: number;
  experiment?: string;
  name: string | null;
  status: string;
  start: number | null;
  end?: number;
  user?: string;
  deleted?: boolean;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
}

const SEED: RunSeed[] = [
  {
    n: 1,
    name: 'alpha',
    status: 'FINISHED',
    start: 1000,
    end: 1500,
    user: USER,
    params: { model: 'cnn', lr: '0.1' },
    tags: { team: 'x' },
    metrics: { acc: 0.9, rmse: 0.5 },
  },
  {
    n: 2,
    name: 'beta',
    status: 'FAILED',
    start: 2000,
    end: 2500,
    params: { model: 'rnn', lr: '0.01' },
    tags: { team: 'y', env: 'prod' },
    metrics: { acc: 0.7, rmse: 1.5 },
  },
  {
    n: 3,
    name: 'gamma',
    status: 'FINISHED',
    start: 3000,
    params: { model: 'cnn' },
    tags: { team: 'x' },
    metrics: { acc: Number.NaN, rmse: 0.8 },
  },
  { n: 4, name: 'delta', status: 'RUNNING', start: 3000, params: { model: 'CNN-large' }, metrics: { rmse: 2 } },
  { n: 5, name: null, status: 'SCHEDULED', start: null },
  { n: 6, name: 'deleted', status: 'FINISHED', start: 4000, deleted: true, params: { model: 'cnn' } },
  { n: 7, experiment: E2, name: 'other', status: 'FINISHED', start: 500, params: { model: 'cnn' } },
];
/** Names of the active runs of E1 in MLflow's default order: start_time DESC, run id; no start time last. */
const DEFAULT_ORDER = ['gamma', 'delta', 'beta', 'alpha', 'r5'];

async function insertRun(db: DataSource, run: RunSeed): Promise<void> {
  await db.query(
    `INSERT INTO experiments.runs (id, org_id, experiment_id, name, status, start_time, end_time, user_id, lifecycle_stage)
     VALUES ($1, $2, $3, $4, $5, to_timestamp($6::float8 / 1000), to_timestamp($7::float8 / 1000), $8, $9)`,
    [
      id(run.n),
      ORG,
      run.experiment ?? E1,
      run.name,
      run.status,
      run.start,
      run.end ?? null,
      run.user ?? null,
      run.deleted ? 'deleted' : 'active',
    ],
  );
  for (const [table, values] of [
    ['run_params', run.params],
    ['run_tags', run.tags],
  ] as const) {
    for (const [key, value] of Object.entries(values ?? {})) {
      await db.query(`INSERT INTO experiments.${table} (run_id, org_id, key, value) VALUES ($1, $2, $3, $4)`, [
        id(run.n),
        ORG,
        key,
        value,
      ]);
    }
  }
  for (const [key, value] of Object.entries(run.metrics ?? {})) {
    await db.query(
      `INSERT INTO experiments.run_latest_metrics (run_id, org_id, key, value, step, recorded_at, min_value, max_value, point_count)
       VALUES ($1, $2, $3, $4::float8, 0, now(), $4::float8, $4::float8, 1)`,
      [id(run.n), ORG, key, String(value)],
    );
  }
}

for (const mode of ['real', 'embedded'] as const) {
  describe(`run and experiment search SQL (${mode === 'real' ? 'PostgreSQL' : 'embedded'})`, () => {
    let database: TestDatabaseTarget;
    let db: DataSource;
    const names = new Map<string, string>();

    before(async () => {
      database = mode === 'real' ? await postgresTestTarget('aitip_search') : await embeddedTestTarget();
      db = await openServiceDatabase({
        target: database.target,
        schema: 'experiments',
        entities: [],
        migrations: [SearchTables1764100000000],
      });
      for (const [experiment, name] of [
        [E1, 'vision'],
        [E2, 'nlp'],
      ]) {
        await db.query(
          `INSERT INTO experiments.experiments (id, org_id, name, artifact_location) VALUES ($1::uuid, $2, $3, 'mlflow-artifacts:/' || $1::text)`,
          [experiment, ORG, name],
        );
      }
      for (const run of SEED) {
        await insertRun(db, run);
        names.set(id(run.n), run.name ?? `r${run.n}`);
      }
      await db.query(
        `INSERT INTO experiments.run_inputs (id, run_id, org_id, dataset, tags) VALUES ($1, $2, $3, $4, $5), ($6, $7, $3, $8, $9)`,
        [
          randomUUID(),
          id(1),
          ORG,
          JSON.stringify({ name: 'mnist', digest: 'd1' }),
          JSON.stringify({ 'mlflow.data.context': 'train' }),
          randomUUID(),
          id(2),
          JSON.stringify({ name: 'cifar', digest: 'd2' }),
          JSON.stringify([{ key: 'mlflow.data.context', value: 'test' }]),
        ],
      );
    });
    after(async () => {
      await db?.destroy();
      await database?.close();
    });

    /** One page of a run search, as the service would run it. */
    async function page(input: Partial<SearchRunsInput>) {
      const search = buildRunSearch({ experimentIds: [E1], maxResults: 1000, viewType: 'ACTIVE_ONLY', ...input });
      const rows = (await db.query(search.sql, search.params)) as Array<Record<string, unknown>>;
      const { ids, nextPageToken } = search.page(rows);
      return { names: ids.map((i) => names.get(i) ?? i), nextPageToken };
    }
    const search = async (filter: string, input: Partial<SearchRunsInput> = {}) =>
      (await page({ filter, ...input })).names;
    const sorted = async (filter: string, input: Partial<SearchRunsInput> = {}) => (await search(filter, input)).sort();

    /** Every page of a search, `size` runs at a time. */
    async function allPages(input: Partial<SearchRunsInput>, size: number, between?: (n: number) => Promise<void>) {
      const seen: string[] = [];
      let token: string | undefined;
      for (let n = 0; n < 50; n++) {
        const result = await page({ ...input, maxResults: size, pageToken: token });
        assert.ok(result.names.length <= size);
        seen.push(...result.names);
        if (!result.nextPageToken) return seen;
        token = result.nextPageToken;
        await between?.(n);
      }
      throw new Error('paging did not end');
    }

    test('metric clauses compare the latest value; NaN satisfies only !=', async () => {
      assert.deepEqual(await sorted('metrics.rmse < 1'), ['alpha', 'gamma']);
      assert.deepEqual(await sorted('metrics.acc > 0.5'), ['alpha', 'beta']);
      assert.deepEqual(await sorted('metrics.acc != 0.9'), ['beta', 'gamma']);
      assert.deepEqual(await sorted('metrics.rmse >= 0.8 and metrics.rmse <= 1.5'), ['beta', 'gamma']);
      assert.deepEqual(await sorted('metrics.rmse = 2'), ['delta']);
    });

    test('param and tag clauses: =, !=, LIKE (case-sensitive), ILIKE, IN; a missing key matches nothing', async () => {
      assert.deepEqual(await sorted("params.model = 'cnn'"), ['alpha', 'gamma']);
      assert.deepEqual(await sorted("params.model != 'cnn'"), ['beta', 'delta']);
      assert.deepEqual(await sorted("params.model LIKE 'cnn%'"), ['alpha', 'gamma']);
      assert.deepEqual(await sorted("params.model ILIKE 'cnn%'"), ['alpha', 'delta', 'gamma']);
      assert.deepEqual(await sorted("params.model IN ('rnn', 'CNN-large')"), ['beta', 'delta']);
      assert.deepEqual(await sorted("tags.team = 'x' and metrics.rmse >= 0.8"), ['gamma']);
      assert.deepEqual(await sorted("tags.team NOT IN ('x')"), ['beta']);
    });

    test('IS NULL and IS NOT NULL find runs without or with a key', async () => {
      assert.deepEqual(await sorted('tags.env IS NULL'), ['alpha', 'delta', 'gamma', 'r5']);
      assert.deepEqual(await sorted('params.lr IS NOT NULL'), ['alpha', 'beta']);
      assert.deepEqual(await sorted('metrics.acc IS NULL'), ['delta', 'r5']);
    });

    test('attributes: status, run_name, run_id, user_id, times in epoch milliseconds, artifact_uri', async () => {
      assert.deepEqual(await sorted("attributes.status = 'FINISHED'"), ['alpha', 'gamma']);
      assert.deepEqual(await sorted("status IN ('FAILED', 'RUNNING')"), ['beta', 'delta']);
      assert.deepEqual(await sorted("status NOT IN ('FINISHED')"), ['beta', 'delta', 'r5']);
      assert.deepEqual(await sorted("run_name = 'beta'"), ['beta']);
      assert.deepEqual(await sorted("attributes.run_name LIKE '%a'"), ['alpha', 'beta', 'delta', 'gamma']);
      assert.deepEqual(await sorted(`attributes.run_id = '${id(2)}'`), ['beta']);
      assert.deepEqual(await sorted(`run_id IN ('${id(1).toUpperCase()}', 'not-an-id')`), ['alpha']);
      assert.deepEqual(await sorted(`attributes.run_id != '${id(1)}'`), ['beta', 'delta', 'gamma', 'r5']);
      assert.deepEqual(await sorted(`attributes.user_id = '${USER}'`), ['alpha']);
      assert.deepEqual(await sorted('attributes.start_time >= 2000'), ['beta', 'delta', 'gamma']);
      assert.deepEqual(await sorted('created < 2000'), ['alpha']);
      assert.deepEqual(await sorted('attributes.start_time = 3000'), ['delta', 'gamma']);
      assert.deepEqual(await sorted('attributes.end_time > 0'), ['alpha', 'beta']);
      assert.deepEqual(await sorted(`attributes.artifact_uri = 'mlflow-artifacts:/${E1}/${id(3)}/artifacts'`), [
        'gamma',
      ]);
    });

    test('datasets: name, digest and the context tag (object or key/value list)', async () => {
      assert.deepEqual(await sorted("datasets.name = 'mnist'"), ['alpha']);
      assert.deepEqual(await sorted("datasets.digest LIKE 'd%'"), ['alpha', 'beta']);
      assert.deepEqual(await sorted("datasets.context = 'test'"), ['beta']);
      assert.deepEqual(await sorted("datasets.context IN ('train', 'test')"), ['alpha', 'beta']);
    });

    test('view type and experiment ids select which runs are searched; unknown ids find nothing', async () => {
      assert.deepEqual(await sorted("params.model = 'cnn'", { viewType: 'ALL' }), ['alpha', 'deleted', 'gamma']);
      assert.deepEqual(await sorted('', { viewType: 'DELETED_ONLY' }), ['deleted']);
      assert.deepEqual(await sorted("params.model = 'cnn'", { experimentIds: [E1, E2] }), ['alpha', 'gamma', 'other']);
      assert.deepEqual(await sorted('', { experimentIds: ['0', 'not-a-uuid'] }), []);
    });

    test('quotes in values are data, not SQL', async () => {
      assert.deepEqual(await search("params.model = 'x''; DROP TABLE experiments.runs; --'"), []);
      assert.deepEqual(await search("params.`x'); DELETE FROM experiments.runs; --` IS NULL"), DEFAULT_ORDER);
    });

    test("MLflow's default order: start_time DESC, then run id; runs without a start time last", async () => {
      assert.deepEqual(await search(''), DEFAULT_ORDER);
    });

    test('order_by metrics, params, attributes: NaN and missing values last in both directions', async () => {
      assert.deepEqual(await search('', { orderBy: ['metrics.acc DESC'] }), ['alpha', 'beta', 'gamma', 'delta', 'r5']);
      assert.deepEqual(await search('', { orderBy: ['metrics.acc'] }), ['beta', 'alpha', 'gamma', 'delta', 'r5']);
      assert.deepEqual(await search('', { orderBy: ['metrics.rmse ASC'] }), ['alpha', 'gamma', 'beta', 'delta', 'r5']);
      assert.deepEqual(await search('', { orderBy: ['params.lr DESC'] }), ['alpha', 'beta', 'gamma', 'delta', 'r5']);
      assert.deepEqual(await search('', { orderBy: ['attributes.run_name DESC'] }), [
        'gamma',
        'delta',
        'beta',
        'alpha',
        'r5',
      ]);
      assert.deepEqual(await search('', { orderBy: ['attributes.start_time'] }), [
        'alpha',
        'beta',
        'gamma',
        'delta',
        'r5',
      ]);
      assert.deepEqual(await search('', { orderBy: ['tags.team DESC', 'metrics.rmse DESC'] }), [
        'beta',
        'gamma',
        'alpha',
        'delta',
        'r5',
      ]);
    });

    test('pages of any size concatenate to the whole result, for every order', async () => {
      for (const orderBy of [
        [],
        ['metrics.acc DESC'],
        ['params.lr DESC'],
        ['attributes.run_name DESC'],
        ['attributes.start_time'],
        ['tags.team', 'metrics.rmse DESC'],
      ]) {
        const whole = await search('', { orderBy });
        for (const size of [1, 2, 3]) {
          assert.deepEqual(await allPages({ orderBy }, size), whole, `${JSON.stringify(orderBy)} by ${size}`);
        }
      }
    });

    test('paging stays stable when runs are inserted between pages (keyset, no OFFSET)', async () => {
      // after the first page (gamma, delta) a run lands before the cursor, one ties with it and one after it
      const inserted: RunSeed[] = [
        { n: 101, name: 'new-first', status: 'RUNNING', start: 9000, metrics: { acc: 0.99 } },
        { n: 102, name: 'new-tie', status: 'RUNNING', start: 3000, metrics: { acc: 0.5 } },
        { n: 103, name: 'new-later', status: 'RUNNING', start: 1500, metrics: { acc: 0.8 } },
      ];
      for (const run of inserted) names.set(id(run.n), run.name!);
      const seen = await allPages({}, 2, async (n) => {
        if (n === 0) for (const run of inserted) await insertRun(db, run);
      });
      // every run that existed is seen exactly once; the new run sorting before the cursor is not,
      // the ones after it are, in their place
      assert.deepEqual(seen, ['gamma', 'delta', 'new-tie', 'beta', 'new-later', 'alpha', 'r5']);
      const byMetric = await allPages({ orderBy: ['metrics.acc DESC'] }, 2, async (n) => {
        if (n === 0)
          await insertRun(db, { n: 104, name: 'late-best', status: 'RUNNING', start: 100, metrics: { acc: 0.95 } });
        if (n === 1)
          await insertRun(db, { n: 105, name: 'late-low', status: 'RUNNING', start: 100, metrics: { acc: 0.1 } });
      });
      names.set(id(104), 'late-best');
      names.set(id(105), 'late-low');
      const labelled = byMetric.map((i) => names.get(i) ?? i);
      assert.equal(new Set(labelled).size, labelled.length, `a run came twice: ${labelled}`);
      assert.ok(!labelled.includes('late-best'), 'a run inserted before the cursor shifted the pages');
      assert.ok(labelled.includes('late-low'));
      for (const name of ['new-first', 'alpha', 'new-later', 'beta', 'new-tie', 'gamma', 'delta', 'r5'])
        assert.ok(labelled.includes(name), name);
      await db.query(`DELETE FROM experiments.runs WHERE id = ANY($1::uuid[])`, [[101, 102, 103, 104, 105].map(id)]);
    });

    test('experiments: filter by name, tags and times; order; page with tokens across inserts', async () => {
      const base = Date.UTC(2026, 0, 1);
      const seeds = [
        ['vision-a', base + 1000, { team: 'cv' }],
        ['vision-b', base + 2000, { team: 'cv', stage: 'prod' }],
        ['speech', base + 3000, { team: 'audio' }],
      ] as const;
      const experiments = new Map<string, string>([
        [E1, 'vision'],
        [E2, 'nlp'],
      ]);
      for (const [name, created, tags] of seeds) {
        const experiment = randomUUID();
        experiments.set(experiment, name);
        await db.query(
          `INSERT INTO experiments.experiments (id, org_id, name, artifact_location, created_at, updated_at)
           VALUES ($1, $2, $3, 'x', to_timestamp($4::float8 / 1000), to_timestamp($4::float8 / 1000))`,
          [experiment, ORG, name, created],
        );
        for (const [key, value] of Object.entries(tags)) {
          await db.query(`INSERT INTO experiments.experiment_tags VALUES ($1, $2, $3, $4)`, [
            experiment,
            ORG,
            key,
            value,
          ]);
        }
      }
      const find = async (input: Partial<SearchExperimentsInput>) => {
        const s = buildExperimentSearch({ maxResults: 100, viewType: 'ACTIVE_ONLY', ...input });
        const result = s.page(await db.query(s.sql, s.params));
        return { names: result.ids.map((i) => experiments.get(i) ?? i), token: result.nextPageToken };
      };
      assert.deepEqual((await find({ filter: "name LIKE 'vision-%'", orderBy: ['name DESC'] })).names, [
        'vision-b',
        'vision-a',
      ]);
      assert.deepEqual((await find({ filter: "tags.team = 'cv' and tags.stage IS NULL" })).names, ['vision-a']);
      assert.deepEqual(
        (await find({ filter: `creation_time >= ${base + 2000} and creation_time < ${base + 3001}` })).names,
        ['speech', 'vision-b'],
      );
      assert.deepEqual((await find({ filter: "attributes.name IN ('nlp', 'speech')", orderBy: ['name'] })).names, [
        'nlp',
        'speech',
      ]);

      const first = await find({ filter: "name != 'nlp' and name != 'vision'", maxResults: 2 });
      assert.deepEqual(first.names, ['speech', 'vision-b']);
      await db.query(
        `INSERT INTO experiments.experiments (id, org_id, name, artifact_location, created_at) VALUES ($1, $2, 'newest', 'x', now())`,
        [randomUUID(), ORG],
      );
      const second = await find({
        filter: "name != 'nlp' and name != 'vision'",
        maxResults: 2,
        pageToken: first.token!,
      });
      assert.deepEqual(second, { names: ['vision-a'], token: null });
    });
  });
}
