import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { actorOf, createExperiment, member, startExperiments, type ExperimentsHarness, type Mode } from './support.js';

const SEARCH = `query($e: [ID!]!, $f: String, $o: [String!], $first: Int, $after: String) {
  searchRuns(experimentIds: $e, filter: $f, orderBy: $o, first: $first, after: $after) {
    items { id name status params { key value } metrics { key value } } nextCursor } }`;

interface Found {
  id: string;
  name: string;
  params: Array<{ key: string; value: string }>;
  metrics: Array<{ key: string; value: number }>;
}

for (const mode of ['real', 'embedded'] as Mode[]) {
  describe(`run search through GraphQL (${mode === 'real' ? 'PostgreSQL' : 'embedded'})`, () => {
    let h: ExperimentsHarness;
    const alice = member(randomUUID());
    const actor = actorOf(alice);
    let experimentId: string;
    /** What each run was logged with, by run id. */
    const logged = new Map<string, { model: string; rmse: number; team: string; status: string }>();

    before(async () => {
      h = await startExperiments(mode);
      experimentId = await createExperiment(h, alice);
      for (let i = 0; i < 24; i++) {
        const model = i % 3 === 0 ? 'cnn' : 'mlp';
        const rmse = ((i * 7) % 24) / 10;
        const team = i % 2 === 0 ? 'vision' : 'nlp';
        const run = await h.tracking.createRun(actor, {
          experimentId,
          name: `run-${i}`,
          startTime: new Date(Date.UTC(2026, 0, 1, 0, i)),
          tags: { team },
        });
        await h.tracking.logBatch(actor, run.id, {
          params: { model, lr: '0.01' },
          metrics: [{ key: 'rmse', value: rmse, step: 0, timestamp: Date.now() }],
        });
        const status = i % 4 === 0 ? 'FAILED' : 'FINISHED';
        await h.tracking.updateRun(actor, run.id, { status });
        logged.set(run.id, { model, rmse, team, status });
      }
    });
    after(async () => h?.close());

    test('a filter on metrics, params, tags and attributes, ordered by a metric', async () => {
      const { searchRuns } = await h.ok(
        SEARCH,
        {
          e: [experimentId],
          f: "metrics.rmse < 1.5 and params.model = 'mlp' and tags.team = 'nlp' and attributes.status = 'FINISHED'",
          o: ['metrics.rmse DESC'],
        },
        alice,
      );
      const expected = [...logged]
        .filter(([, r]) => r.rmse < 1.5 && r.model === 'mlp' && r.team === 'nlp' && r.status === 'FINISHED')
        .sort(([, a], [, b]) => b.rmse - a.rmse)
        .map(([id]) => id);
      assert.ok(expected.length >= 3);
      assert.deepEqual(
        searchRuns.items.map((r: Found) => r.id),
        expected,
      );
      for (const run of searchRuns.items as Found[]) {
        assert.equal(run.params.find((p) => p.key === 'model')!.value, 'mlp');
        assert.equal(run.metrics[0]!.key, 'rmse');
      }
      assert.equal(searchRuns.nextCursor, null);
    });

    test('a malformed filter is refused with a message pointing at the offending token', async () => {
      const answer = await h.call(SEARCH, { e: [experimentId], f: 'metrics.rmse <> 1' }, alice);
      const error = answer.errors?.[0];
      assert.equal(error?.extensions?.['code'], 'BAD_USER_INPUT');
      assert.equal(error?.extensions?.['mlflowCode'], 'INVALID_PARAMETER_VALUE');
      assert.match(error!.message, /column 14, '<>'/);
      assert.equal(error?.extensions?.['position'], 14);
    });

    test('pages are stable while runs are added: every run once, in order, no duplicates', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let added = 0;
      do {
        const { searchRuns }: Record<string, { items: Found[]; nextCursor: string | null }> = await h.ok(
          SEARCH,
          { e: [experimentId], o: ['params.model ASC', 'metrics.rmse ASC'], first: 5, after: cursor },
          alice,
        );
        seen.push(...searchRuns.items.map((r) => r.id));
        cursor = searchRuns.nextCursor;
        // another writer adds runs between pages, some sorting before the cursor and some after
        const run = await h.tracking.createRun(actor, { experimentId, name: `late-${added}` });
        await h.tracking.logBatch(actor, run.id, {
          params: { model: added % 2 === 0 ? 'aaa' : 'zzz' },
          metrics: [{ key: 'rmse', value: 0.05, step: 0, timestamp: Date.now() }],
        });
        added++;
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, 'no run twice');
      for (const id of logged.keys()) assert.ok(seen.includes(id), `run ${id} was on a page`);
      const original = seen.filter((id) => logged.has(id));
      const expected = [...logged]
        .sort(([, a], [, b]) => (a.model === b.model ? a.rmse - b.rmse : a.model < b.model ? -1 : 1))
        .map(([id]) => id);
      assert.equal(original.length, expected.length);
      // ties on rmse are broken by start time and id, so compare what the order fixes
      const keyOf = (id: string) => `${logged.get(id)!.model} ${logged.get(id)!.rmse}`;
      assert.deepEqual(original.map(keyOf), expected.map(keyOf));
    });

    test('experiments are searched with MLflow’s experiment filter', async () => {
      const prefix = `proj-${randomUUID().slice(0, 6)}`;
      for (const name of ['b', 'a', 'c']) await createExperiment(h, alice, `${prefix}-${name}`);
      const { experiments } = await h.ok(
        `query($f: String!) { experiments(filter: $f, orderBy: ["name ASC"], first: 2) { items { name } nextCursor } }`,
        { f: `name LIKE '${prefix}-%'` },
        alice,
      );
      assert.deepEqual(
        experiments.items.map((e: { name: string }) => e.name),
        [`${prefix}-a`, `${prefix}-b`],
      );
      const { experiments: rest } = await h.ok(
        `query($f: String!, $a: String) { experiments(filter: $f, orderBy: ["name ASC"], first: 2, after: $a) { items { name } nextCursor } }`,
        { f: `name LIKE '${prefix}-%'`, a: experiments.nextCursor },
        alice,
      );
      assert.deepEqual(rest, { items: [{ name: `${prefix}-c` }], nextCursor: null });
    });
  });
}
