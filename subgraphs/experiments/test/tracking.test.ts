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

const RUN = `id name status startTime endTime deleted parentRunId artifactUri experimentId
  params { key value } tags { key value } metrics { key value text step count min max }`;

/** The GraphQL error of an answer that must have failed: its code, MLflow code and message. */
function failure(answer: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }) {
  assert.ok(answer.errors?.length, 'expected an error');
  const [error] = answer.errors;
  return { code: error!.extensions?.['code'], mlflowCode: error!.extensions?.['mlflowCode'], message: error!.message };
}

for (const mode of ['real', 'embedded'] as Mode[]) {
  describe(`experiment tracking (${mode === 'real' ? 'PostgreSQL, Redis, S3 server' : 'embedded'})`, () => {
    let h: ExperimentsHarness;
    const orgA = randomUUID();
    const alice = member(orgA);
    const viewer = member(orgA, 'viewer');

    before(async () => {
      h = await startExperiments(mode);
    });
    after(async () => h?.close());

    test('experiments: create, unique name per organization, rename, describe, tag, archive and restore', async () => {
      const name = `mnist-${randomUUID().slice(0, 6)}`;
      const { createExperiment: created } = await h.ok(
        `mutation($n: String!) { createExperiment(name: $n, description: "digits", tags: [{ key: "team", value: "vision" }]) {
           id name description archived artifactLocation createdBy tags { key value } runCount paramKeys } }`,
        { n: name },
        alice,
      );
      assert.equal(created.name, name);
      assert.equal(created.description, 'digits');
      assert.equal(created.archived, false);
      assert.equal(created.artifactLocation, `mlflow-artifacts:/${created.id}`);
      assert.equal(created.createdBy, alice.userId);
      assert.deepEqual(created.tags, [
        { key: 'mlflow.note.content', value: 'digits' },
        { key: 'team', value: 'vision' },
      ]);
      assert.equal(created.runCount, 0);
      assert.deepEqual(created.paramKeys, []);

      const taken = failure(
        await h.call(`mutation($n: String!) { createExperiment(name: $n) { id } }`, { n: name }, alice),
      );
      assert.equal(taken.code, 'CONFLICT');
      assert.equal(taken.mlflowCode, 'RESOURCE_ALREADY_EXISTS');
      assert.match(taken.message, new RegExp(`Experiment\\(name=${name}\\) already exists`));

      // another organization may use the same name
      const other = member(randomUUID());
      await createExperiment(h, other, name);

      const { updateExperiment: renamed } = await h.ok(
        `mutation($id: ID!, $n: String!) { updateExperiment(id: $id, name: $n, description: "handwritten digits") { name description tags { key value } } }`,
        { id: created.id, n: `${name}-v2` },
        alice,
      );
      assert.equal(renamed.name, `${name}-v2`);
      assert.equal(renamed.description, 'handwritten digits');
      assert.ok(
        renamed.tags.some(
          (t: { key: string; value: string }) => t.key === 'mlflow.note.content' && t.value === 'handwritten digits',
        ),
      );
      const { setExperimentTag: tagged } = await h.ok(
        `mutation($id: ID!) { setExperimentTag(id: $id, key: "owner", value: "ada") { tags { key value } } }`,
        { id: created.id },
        alice,
      );
      assert.ok(tagged.tags.some((t: { key: string }) => t.key === 'owner'));
      const { experimentByName } = await h.ok(
        `query($n: String!) { experimentByName(name: $n) { id } }`,
        { n: `${name}-v2` },
        alice,
      );
      assert.equal(experimentByName.id, created.id);

      const listed = async (includeArchived: boolean) =>
        (
          await h.ok(
            `query($a: Boolean) { experiments(includeArchived: $a, first: 1000) { items { id archived } } }`,
            { a: includeArchived },
            alice,
          )
        )['experiments'].items as Array<{ id: string; archived: boolean }>;
      assert.ok((await listed(false)).some((e) => e.id === created.id));
      const { archiveExperiment } = await h.ok(
        `mutation($id: ID!) { archiveExperiment(id: $id) { archived } }`,
        { id: created.id },
        alice,
      );
      assert.equal(archiveExperiment.archived, true);
      assert.ok(!(await listed(false)).some((e) => e.id === created.id));
      assert.ok((await listed(true)).some((e) => e.id === created.id && e.archived));
      // an archived experiment still holds its name
      const stillTaken = failure(
        await h.call(`mutation($n: String!) { createExperiment(name: $n) { id } }`, { n: `${name}-v2` }, alice),
      );
      assert.match(stillTaken.message, /archived/);
      const { restoreExperiment } = await h.ok(
        `mutation($id: ID!) { restoreExperiment(id: $id) { archived } }`,
        { id: created.id },
        alice,
      );
      assert.equal(restoreExperiment.archived, false);
    });

    test('a viewer reads experiments but cannot create them', async () => {
      await createExperiment(h, alice);
      const refused = failure(await h.call(`mutation { createExperiment(name: "nope") { id } }`, {}, viewer));
      assert.equal(refused.code, 'FORBIDDEN');
      const { experiments } = await h.ok(`query { experiments { items { id } } }`, {}, viewer);
      assert.ok(experiments.items.length > 0);
    });

    test('runs: created RUNNING with a name, renamed with its tag, finished with an end time, deleted and restored', async () => {
      const experimentId = await createExperiment(h, alice);
      const { createRun: run } = await h.ok(
        `mutation($e: ID!) { createRun(experimentId: $e, tags: [{ key: "team", value: "x" }]) { ${RUN} } }`,
        { e: experimentId },
        alice,
      );
      assert.equal(run.status, 'RUNNING');
      assert.match(run.name, /^[a-z]+-[a-z]+-\d+$/, 'a run created without a name gets one');
      assert.ok(run.startTime);
      assert.equal(run.endTime, null);
      assert.equal(run.artifactUri, `mlflow-artifacts:/${experimentId}/${run.id}/artifacts`);
      assert.deepEqual(
        run.tags.map((t: { key: string }) => t.key),
        ['mlflow.runName', 'team'],
      );

      const { updateRun: renamed } = await h.ok(
        `mutation($id: ID!) { updateRun(id: $id, name: "baseline") { name tags { key value } } }`,
        { id: run.id },
        alice,
      );
      assert.equal(renamed.name, 'baseline');
      assert.ok(
        renamed.tags.some((t: { key: string; value: string }) => t.key === 'mlflow.runName' && t.value === 'baseline'),
      );
      // and the other way: the tag renames the run
      await h.ok(
        `mutation($id: ID!) { logRunData(runId: $id, tags: [{ key: "mlflow.runName", value: "baseline-2" }]) { id } }`,
        { id: run.id },
        alice,
      );
      const { updateRun: finished } = await h.ok(
        `mutation($id: ID!) { updateRun(id: $id, status: FINISHED) { name status endTime } }`,
        { id: run.id },
        alice,
      );
      assert.equal(finished.name, 'baseline-2');
      assert.equal(finished.status, 'FINISHED');
      assert.ok(finished.endTime, 'a final status ends the run');

      const child = await h.ok(
        `mutation($e: ID!, $p: ID!) { createRun(experimentId: $e, name: "fold-1", parentRunId: $p) { id parentRunId tags { key value } } }`,
        { e: experimentId, p: run.id },
        alice,
      );
      assert.equal(child['createRun'].parentRunId, run.id);
      assert.ok(
        child['createRun'].tags.some(
          (t: { key: string; value: string }) => t.key === 'mlflow.parentRunId' && t.value === run.id,
        ),
      );
      const { run: parent } = await h.ok(
        `query($id: ID!) { run(id: $id) { children { id } experiment { id runCount } } }`,
        { id: run.id },
        alice,
      );
      assert.deepEqual(parent.children, [{ id: child['createRun'].id }]);
      assert.deepEqual(parent.experiment, { id: experimentId, runCount: 2 });

      const { deleteRun } = await h.ok(`mutation($id: ID!) { deleteRun(id: $id) { deleted } }`, { id: run.id }, alice);
      assert.equal(deleteRun.deleted, true);
      const logToDeleted = failure(
        await h.call(
          `mutation($id: ID!) { logRunData(runId: $id, metrics: [{ key: "loss", value: 1 }]) { id } }`,
          { id: run.id },
          alice,
        ),
      );
      assert.equal(logToDeleted.mlflowCode, 'INVALID_PARAMETER_VALUE');
      assert.match(logToDeleted.message, /must be in the 'active' state/);
      const search = async (includeDeleted: boolean) =>
        (
          await h.ok(
            `query($e: ID!, $d: Boolean) { searchRuns(experimentIds: [$e], includeDeleted: $d) { items { id } } }`,
            { e: experimentId, d: includeDeleted },
            alice,
          )
        )['searchRuns'].items.map((r: { id: string }) => r.id) as string[];
      assert.ok(!(await search(false)).includes(run.id));
      assert.ok((await search(true)).includes(run.id));
      const { restoreRun } = await h.ok(
        `mutation($id: ID!) { restoreRun(id: $id) { deleted } }`,
        { id: run.id },
        alice,
      );
      assert.equal(restoreRun.deleted, false);
      assert.ok((await search(false)).includes(run.id));
    });

    test('archiving an experiment kills its running runs and makes them read-only until restored', async () => {
      const experimentId = await createExperiment(h, alice);
      const runId = await createRun(h, alice, experimentId);
      await h.ok(`mutation($id: ID!) { archiveExperiment(id: $id) { id } }`, { id: experimentId }, alice);
      const { run } = await h.ok(`query($id: ID!) { run(id: $id) { status endTime deleted } }`, { id: runId }, alice);
      assert.equal(run.status, 'KILLED');
      assert.ok(run.endTime);
      assert.equal(run.deleted, false, 'its runs stay');
      const refused = failure(
        await h.call(
          `mutation($id: ID!) { logRunData(runId: $id, metrics: [{ key: "loss", value: 1 }]) { id } }`,
          { id: runId },
          alice,
        ),
      );
      assert.equal(refused.mlflowCode, 'INVALID_PARAMETER_VALUE');
      assert.match(refused.message, /Restore the experiment/);
      const newRun = failure(
        await h.call(`mutation($e: ID!) { createRun(experimentId: $e) { id } }`, { e: experimentId }, alice),
      );
      assert.equal(newRun.mlflowCode, 'INVALID_PARAMETER_VALUE');
      await h.ok(`mutation($id: ID!) { restoreExperiment(id: $id) { id } }`, { id: experimentId }, alice);
      await h.ok(
        `mutation($id: ID!) { logRunData(runId: $id, metrics: [{ key: "loss", value: 1 }]) { id } }`,
        { id: runId },
        alice,
      );
    });

    test('params are write-once: the same value again is accepted, another value is INVALID_PARAMETER_VALUE', async () => {
      const runId = await createRun(h, alice, await createExperiment(h, alice));
      const log = (
        params: Array<{ key: string; value: string }>,
        metrics: Array<{ key: string; value: number }> = [],
      ) =>
        h.call(
          `mutation($id: ID!, $p: [ParamInput!], $m: [MetricInput!]) { logRunData(runId: $id, params: $p, metrics: $m) { params { key value } metrics { key count } } }`,
          { id: runId, p: params, m: metrics },
          alice,
        );
      const first = await log([
        { key: 'lr', value: '0.01' },
        { key: 'model', value: 'cnn' },
      ]);
      assert.equal(first.errors, undefined);
      const again = await log([{ key: 'lr', value: '0.01' }]);
      assert.equal(again.errors, undefined);
      assert.deepEqual(again.data!['logRunData'].params, [
        { key: 'lr', value: '0.01' },
        { key: 'model', value: 'cnn' },
      ]);
      const changed = failure(await log([{ key: 'lr', value: '0.02' }], [{ key: 'loss', value: 0.5 }]));
      assert.equal(changed.code, 'BAD_USER_INPUT');
      assert.equal(changed.mlflowCode, 'INVALID_PARAMETER_VALUE');
      assert.match(changed.message, /key='lr'/);
      assert.match(changed.message, /value='0.01'/);
      assert.match(changed.message, /'0.02'/);
      // the refused batch left nothing behind: no metric from it
      const { run } = await h.ok(
        `query($id: ID!) { run(id: $id) { params { key value } metrics { key } } }`,
        { id: runId },
        alice,
      );
      assert.deepEqual(run.metrics, []);
      assert.equal(run.params.find((p: { key: string }) => p.key === 'lr').value, '0.01');
      // a key twice in one batch with different values is refused too
      const twice = await h.tracking
        .logBatch(actorOf(alice), runId, {
          params: [
            { key: 'opt', value: 'adam' },
            { key: 'opt', value: 'sgd' },
          ],
        })
        .catch((err: Error & { extensions?: Record<string, unknown> }) => err);
      assert.ok(twice instanceof Error);
      assert.equal(twice.extensions?.['mlflowCode'], 'INVALID_PARAMETER_VALUE');
      assert.match(twice.message, /Duplicate parameter keys/);
    });

    test("log batches over MLflow's limits are refused with its error code and message", async () => {
      const runId = await createRun(h, alice, await createExperiment(h, alice));
      const actor = actorOf(alice);
      const metric = (i: number) => ({ key: `m${i % 10}`, value: i, step: i, timestamp: Date.now() });
      const attempt = (batch: Parameters<typeof h.tracking.logBatch>[2]) =>
        h.tracking.logBatch(actor, runId, batch).then(
          () => null,
          (err: Error & { extensions?: Record<string, unknown> }) => err,
        );
      const cases: Array<[Parameters<typeof h.tracking.logBatch>[2], RegExp]> = [
        [{ metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) }, /at most 1000 metrics\. Got 1001 metrics/],
        [
          { params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) },
          /at most 100 params\. Got 101/,
        ],
        [{ tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })) }, /at most 100 tags\. Got 101/],
        [
          {
            metrics: Array.from({ length: 901 }, (_, i) => metric(i)),
            params: Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
          },
          /at most 1000 metrics, params, and tags\. Got 1001/,
        ],
        [{ params: [{ key: 'long', value: 'x'.repeat(6001) }] }, /length 6001, which exceeded length limit of 6000/],
        [{ metrics: [{ key: '../escape', value: 1, step: 0, timestamp: Date.now() }] }, /Invalid metric name/],
        [
          { metrics: [{ key: 'bad*key', value: 1, step: 0, timestamp: Date.now() }] },
          /Invalid metric name: 'bad\*key'/,
        ],
        [{ metrics: [{ key: 'frac', value: 1, step: 0.5, timestamp: Date.now() }] }, /invalid step/],
      ];
      for (const [batch, message] of cases) {
        const err = await attempt(batch);
        assert.ok(err, `expected ${message} to be refused`);
        assert.equal(err.extensions?.['code'], 'BAD_USER_INPUT');
        assert.equal(err.extensions?.['mlflowCode'], 'INVALID_PARAMETER_VALUE');
        assert.match(err.message, message);
      }
      // exactly at the limits is fine, and lands in one transaction
      assert.equal(
        await attempt({
          metrics: Array.from({ length: 800 }, (_, i) => metric(i)),
          params: Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
          tags: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
        }),
        null,
      );
      const run = await h.tracking.getRun(actor, runId);
      assert.equal(Object.keys(run.params).length, 100);
      assert.equal(
        run.metrics.reduce((n, m) => n + m.count, 0),
        800,
      );
    });
  });
}
