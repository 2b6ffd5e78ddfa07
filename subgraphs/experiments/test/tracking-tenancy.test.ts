import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  actorOf,
  createExperiment,
  createRun,
  member,
  startExperiments,
  type ExperimentsHarness,
  type Mode,
} from './support.js';

for (const mode of ['real', 'embedded'] as Mode[]) {
  describe(`tenancy (${mode === 'real' ? 'PostgreSQL' : 'embedded'})`, () => {
    let h: ExperimentsHarness;
    const alice = member(randomUUID());
    const bob = member(randomUUID());
    let experimentId: string;
    let experimentName: string;
    let runId: string;

    before(async () => {
      h = await startExperiments(mode);
      experimentName = `secret-${randomUUID().slice(0, 6)}`;
      experimentId = await createExperiment(h, alice, experimentName);
      runId = await createRun(h, alice, experimentId, 'alice-run');
      await h.tracking.logBatch(actorOf(alice), runId, {
        params: { lr: '0.1' },
        metrics: [{ key: 'loss', value: 1, step: 0, timestamp: Date.now() }],
      });
    });
    after(async () => h?.close());

    test("another organization sees none of an organization's experiments and runs", async () => {
      const reads = await h.ok(
        `query($e: ID!, $r: ID!, $n: String!) {
           experiment(id: $e) { id } experimentByName(name: $n) { id } run(id: $r) { id }
           experiments(includeArchived: true) { items { id } }
           searchRuns(experimentIds: [$e]) { items { id } }
           metricHistories(runIds: [$r]) { key }
           _entities(representations: [{ __typename: "Run", id: $r }, { __typename: "Experiment", id: $e }]) { __typename }
         }`,
        { e: experimentId, r: runId, n: experimentName },
        bob,
      );
      assert.deepEqual(reads, {
        experiment: null,
        experimentByName: null,
        run: null,
        experiments: { items: [] },
        searchRuns: { items: [] },
        metricHistories: [],
        _entities: [null, null],
      });
      // and bob may use the same name for his own experiment
      await createExperiment(h, bob, experimentName);
      // alice still sees hers
      const { run } = await h.ok(`query($r: ID!) { run(id: $r) { name params { key } } }`, { r: runId }, alice);
      assert.deepEqual(run, { name: 'alice-run', params: [{ key: 'lr' }] });
    });

    test("another organization cannot change an organization's experiments and runs", async () => {
      const attempts: Array<[string, Record<string, unknown>]> = [
        [`mutation($e: ID!) { updateExperiment(id: $e, name: "taken-over") { id } }`, { e: experimentId }],
        [`mutation($e: ID!) { archiveExperiment(id: $e) { id } }`, { e: experimentId }],
        [`mutation($e: ID!) { setExperimentTag(id: $e, key: "k", value: "v") { id } }`, { e: experimentId }],
        [`mutation($e: ID!) { createRun(experimentId: $e) { id } }`, { e: experimentId }],
        [`mutation($r: ID!) { updateRun(id: $r, status: KILLED) { id } }`, { r: runId }],
        [`mutation($r: ID!) { deleteRun(id: $r) { id } }`, { r: runId }],
        [`mutation($r: ID!) { logRunData(runId: $r, params: [{ key: "lr", value: "9" }]) { id } }`, { r: runId }],
        [`mutation($r: ID!) { deleteRunTag(runId: $r, key: "mlflow.runName") { id } }`, { r: runId }],
        [`mutation($r: ID!) { artifactUploadUrls(runId: $r, paths: ["x.txt"]) { url } }`, { r: runId }],
        [`query($r: ID!) { compareRuns(runIds: [$r]) { runs { id } } }`, { r: runId }],
      ];
      for (const [query, variables] of attempts) {
        const answer = await h.call(query, variables, bob);
        assert.equal(answer.errors?.[0]?.extensions?.['code'], 'NOT_FOUND', `${query}: ${JSON.stringify(answer)}`);
      }
      const { run } = await h.ok(
        `query($r: ID!) { run(id: $r) { status deleted params { value } experiment { name archived tags { key } } } }`,
        { r: runId },
        alice,
      );
      assert.deepEqual(run, {
        status: 'RUNNING',
        deleted: false,
        params: [{ value: '0.1' }],
        experiment: { name: experimentName, archived: false, tags: [] },
      });
    });
  });
}
