import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { MetricInput, MetricPoint } from '../src/tracking/api.js';
import {
  actorOf,
  createExperiment,
  createRun,
  member,
  startExperiments,
  type ExperimentsHarness,
  type Mode,
} from './support.js';

const T0 = Date.UTC(2026, 0, 1);

/** Logs `metrics` in batches of at most 1,000, as MLflow clients do. */
async function logAll(h: ExperimentsHarness, actor: ReturnType<typeof actorOf>, runId: string, metrics: MetricInput[]) {
  for (let i = 0; i < metrics.length; i += 1000) {
    await h.tracking.logBatch(actor, runId, { metrics: metrics.slice(i, i + 1000) });
  }
}

/** A noisy decreasing loss with one spike, `n` points. */
function lossCurve(n: number, seed: number, spikeAt: number): MetricInput[] {
  return Array.from({ length: n }, (_, step) => ({
    key: 'loss',
    step,
    timestamp: T0 + step * 10,
    value: step === spikeAt ? 50 + seed : 5 / (1 + step / 100) + Math.sin(step * 0.37 + seed) * 0.05,
  }));
}

for (const mode of ['real', 'embedded'] as Mode[]) {
  describe(`metrics (${mode === 'real' ? 'PostgreSQL, Redis' : 'embedded'})`, () => {
    let h: ExperimentsHarness;
    const alice = member(randomUUID());
    const actor = actorOf(alice);

    before(async () => {
      h = await startExperiments(mode, { EXPERIMENTS_METRIC_STREAM_MAX_LEN: '100' });
    });
    after(async () => h?.close());

    test('metric history comes back in step then timestamp order, page by page, repeats and NaN included', async () => {
      const runId = await createRun(h, alice, await createExperiment(h, alice));
      const points: MetricInput[] = [
        { key: 'acc', step: 3, timestamp: T0 + 30, value: 0.9 },
        { key: 'acc', step: 1, timestamp: T0 + 12, value: 0.5 },
        { key: 'acc', step: 2, timestamp: T0 + 20, value: NaN },
        { key: 'acc', step: 1, timestamp: T0 + 10, value: 0.4 },
        { key: 'acc', step: 1, timestamp: T0 + 10, value: 0.4 },
        { key: 'acc', step: 1, timestamp: T0 + 10, value: 0.4 },
        { key: 'acc', step: 2, timestamp: T0 + 21, value: Infinity },
        { key: 'other', step: 0, timestamp: T0, value: 7 },
      ];
      await h.tracking.logBatch(actor, runId, { metrics: points.slice(0, 4) });
      await h.tracking.logBatch(actor, runId, { metrics: points.slice(4) });
      const all = await h.tracking.getMetricHistory(actor, runId, 'acc', {});
      assert.equal(all.nextPageToken, null);
      assert.deepEqual(
        all.items.map((p) => [p.step, p.timestamp - T0, p.value]),
        [
          [1, 10, 0.4],
          [1, 10, 0.4],
          [1, 10, 0.4],
          [1, 12, 0.5],
          [2, 20, NaN],
          [2, 21, Infinity],
          [3, 30, 0.9],
        ],
      );
      for (const size of [1, 2, 3]) {
        const paged: MetricPoint[] = [];
        let token: string | undefined;
        do {
          const page = await h.tracking.getMetricHistory(actor, runId, 'acc', {
            maxResults: size,
            ...(token ? { pageToken: token } : {}),
          });
          assert.ok(page.items.length <= size);
          paged.push(...page.items);
          token = page.nextPageToken ?? undefined;
        } while (token);
        assert.deepEqual(paged, all.items, `pages of ${size}`);
      }
      // every character a key may hold survives the trip into the batch's arrays
      const odd = 'val loss/top-1: é.x_y';
      await h.tracking.logBatch(actor, runId, { metrics: [{ key: odd, step: 5, timestamp: T0, value: -1.5e-7 }] });
      const oddHistory = await h.tracking.getMetricHistory(actor, runId, odd, {});
      assert.deepEqual(
        oddHistory.items.map((p) => [p.step, p.value]),
        [[5, -1.5e-7]],
      );
      const bad = await h.tracking
        .getMetricHistory(actor, runId, 'acc', { maxResults: 2, pageToken: 'not-a-token' })
        .catch((err: Error & { extensions?: Record<string, unknown> }) => err);
      assert.ok(bad instanceof Error);
      assert.equal(bad.extensions?.['mlflowCode'], 'INVALID_PARAMETER_VALUE');

      // the run's summary: latest point by step, extent of the finite values, every point counted
      const { run } = await h.ok(
        `query($id: ID!) { run(id: $id) { metrics { key value text step timestamp min max count } } }`,
        { id: runId },
        alice,
      );
      assert.deepEqual(run.metrics[0], {
        key: 'acc',
        value: 0.9,
        text: null,
        step: 3,
        timestamp: T0 + 30,
        min: 0.4,
        max: 0.9,
        count: 7,
      });
    });

    test('downsampled histories of several runs: at most N points each, with the exact min, max and last', async () => {
      const experimentId = await createExperiment(h, alice);
      const runs: Array<{ id: string; loss: MetricInput[] }> = [];
      for (let seed = 0; seed < 3; seed++) {
        const id = await createRun(h, alice, experimentId);
        const loss = lossCurve(3000, seed, 1000 + seed * 500);
        const acc = Array.from({ length: 50 }, (_, step) => ({
          key: 'acc',
          step,
          timestamp: T0 + step,
          value: step / 50,
        }));
        await logAll(h, actor, id, [...loss, ...acc]);
        runs.push({ id, loss });
      }
      const { metricHistories } = await h.ok(
        `query($ids: [ID!]!) { metricHistories(runIds: $ids, points: 200) {
           runId key total min max downsampled last { step value timestamp } points { step value text } } }`,
        { ids: runs.map((r) => r.id) },
        alice,
      );
      assert.equal(metricHistories.length, 6);
      for (const run of runs) {
        const loss = metricHistories.find(
          (s: { runId: string; key: string }) => s.runId === run.id && s.key === 'loss',
        );
        const values = run.loss.map((p) => p.value);
        assert.equal(loss.total, 3000);
        assert.equal(loss.downsampled, true);
        assert.ok(loss.points.length <= 200 && loss.points.length > 100, `${loss.points.length} points`);
        assert.equal(loss.min, Math.min(...values));
        assert.equal(loss.max, Math.max(...values));
        assert.deepEqual(loss.last, { step: 2999, value: values[2999], timestamp: T0 + 29990 });
        assert.equal(loss.points[0].step, 0);
        assert.equal(loss.points.at(-1).step, 2999);
        assert.ok(
          loss.points.some((p: { value: number }) => p.value === loss.max),
          'the spike survives downsampling',
        );
        const steps = loss.points.map((p: { step: number }) => p.step);
        assert.deepEqual(
          steps,
          [...steps].sort((a, b) => a - b),
        );
        const acc = metricHistories.find((s: { runId: string; key: string }) => s.runId === run.id && s.key === 'acc');
        assert.equal(acc.downsampled, false);
        assert.equal(acc.points.length, 50);
      }
      // one key only, through the run's own field
      const { run } = await h.ok(
        `query($id: ID!) { run(id: $id) { metricHistory(keys: ["acc"], points: 10) { key total points { step } } } }`,
        { id: runs[0]!.id },
        alice,
      );
      assert.equal(run.metricHistory.length, 1);
      assert.equal(run.metricHistory[0].total, 50);
      assert.equal(run.metricHistory[0].points.length, 10);
      // too many points asked for
      const tooMany = await h.call(
        `query($ids: [ID!]!) { metricHistories(runIds: $ids, points: 1000000) { key } }`,
        { ids: [runs[0]!.id] },
        alice,
      );
      assert.equal(tooMany.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    });

    test('non-finite values are null with their text, and kept out of min and max', async () => {
      const runId = await createRun(h, alice, await createExperiment(h, alice));
      await h.tracking.logBatch(actor, runId, {
        metrics: [
          { key: 'loss', step: 0, timestamp: T0, value: 1 },
          { key: 'loss', step: 1, timestamp: T0 + 1, value: -Infinity },
          { key: 'loss', step: 2, timestamp: T0 + 2, value: NaN },
        ],
      });
      const { metricHistories } = await h.ok(
        `query($ids: [ID!]!) { metricHistories(runIds: $ids) { min max last { value text } points { value text } } }`,
        { ids: [runId] },
        alice,
      );
      assert.deepEqual(metricHistories[0], {
        min: 1,
        max: 1,
        last: { value: null, text: 'NaN' },
        points: [
          { value: 1, text: null },
          { value: null, text: '-Infinity' },
          { value: null, text: 'NaN' },
        ],
      });
    });

    test('compare: the union of params with the differing ones flagged, and each metric per run', async () => {
      const experimentId = await createExperiment(h, alice);
      const ids: string[] = [];
      const setups: Array<{ params: Record<string, string>; loss: number[] }> = [
        { params: { lr: '0.01', model: 'cnn', dropout: '0.5' }, loss: [0.9, 0.3, 0.5] },
        { params: { lr: '0.01', model: 'mlp', dropout: '0.5' }, loss: [0.8, 0.7] },
        { params: { lr: '0.01', model: 'cnn' }, loss: [] },
      ];
      for (const setup of setups) {
        const id = await createRun(h, alice, experimentId);
        await h.tracking.logBatch(actor, id, {
          params: setup.params,
          metrics: setup.loss.map((value, step) => ({ key: 'loss', value, step, timestamp: T0 + step })),
        });
        ids.push(id);
      }
      const { compareRuns } = await h.ok(
        `query($ids: [ID!]!) { compareRuns(runIds: $ids) { runs { id } params { key values differs } metrics { key last min max } } }`,
        { ids },
        alice,
      );
      assert.deepEqual(
        compareRuns.runs.map((r: { id: string }) => r.id),
        ids,
      );
      assert.deepEqual(compareRuns.params, [
        { key: 'dropout', values: ['0.5', '0.5', null], differs: true },
        { key: 'lr', values: ['0.01', '0.01', '0.01'], differs: false },
        { key: 'model', values: ['cnn', 'mlp', 'cnn'], differs: true },
      ]);
      assert.deepEqual(compareRuns.metrics, [
        { key: 'loss', last: [0.5, 0.7, null], min: [0.3, 0.7, null], max: [0.9, 0.8, null] },
      ]);
    });

    test('runMetrics delivers each logged batch (from a step on) and resumes after a cursor', async () => {
      const runId = await createRun(h, alice, await createExperiment(h, alice));
      const batch = (from: number) =>
        Array.from({ length: 10 }, (_, i) => ({
          key: 'loss',
          step: from + i,
          timestamp: T0 + from + i,
          value: 1 / (from + i + 1),
        }));
      await h.tracking.logBatch(actor, runId, { metrics: batch(0) });
      await h.tracking.logBatch(actor, runId, { metrics: batch(10) });
      type Event = { cursor: string; runId: string; points: Array<{ key: string; step: number; value: number }> };
      const query = `subscription($id: ID!, $from: Float, $after: String) {
        runMetrics(runId: $id, fromStep: $from, after: $after) { cursor runId points { key step value timestamp } } }`;

      // replayed from the start, then live: the third batch arrives while subscribed
      const live = h.subscribe<Event>(query, { id: runId }, alice, (events) => events.length === 3);
      await h.tracking.logBatch(actor, runId, { metrics: batch(20) });
      const events = await live;
      assert.deepEqual(
        events.map((e) => e.points.map((p) => p.step)),
        [batch(0), batch(10), batch(20)].map((b) => b.map((p) => p.step)),
      );
      assert.equal(events[0]!.runId, runId);
      assert.equal(events[1]!.points[0]!.value, 1 / 11);

      const resumed = await h.subscribe<Event>(
        query,
        { id: runId, after: events[0]!.cursor },
        alice,
        (e) => e.length === 2,
      );
      assert.deepEqual(
        resumed.map((e) => e.cursor),
        [events[1]!.cursor, events[2]!.cursor],
      );
      const fromStep = await h.subscribe<Event>(query, { id: runId, from: 15 }, alice, (e) => e.length === 2);
      assert.deepEqual(
        fromStep.map((e) => e.points.map((p) => p.step)),
        [
          [15, 16, 17, 18, 19],
          [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
        ],
      );
    });

    test('runUpdated reports runs created and finished in the experiment', async () => {
      const experimentId = await createExperiment(h, alice);
      type Event = { runId: string; status: string; change: string; run: { name: string } | null };
      const watching = h.subscribe<Event>(
        `subscription($e: ID!) { runUpdated(experimentId: $e) { cursor runId status change run { name } } }`,
        { e: experimentId },
        alice,
        (events) => events.length === 2,
      );
      const runId = await createRun(h, alice, experimentId, 'watched');
      await h.ok(`mutation($id: ID!) { updateRun(id: $id, status: FAILED) { id } }`, { id: runId }, alice);
      const events = await watching;
      assert.deepEqual(
        events.map((e) => [e.runId, e.change, e.status]),
        [
          [runId, 'created', 'RUNNING'],
          [runId, 'updated', 'FAILED'],
        ],
      );
      assert.equal(events[0]!.run?.name, 'watched');
    });
  });
}
