import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { RunningPlatform } from '../src/platform.js';
import { createTestMember, graphql, startTestPlatform, type TestMember } from './support.js';

/**
 * MLflow's REST API where MLflow clients look for it (`/api/2.0/mlflow/…`, `/api/2.0/mlflow-artifacts/…`),
 * through the router with `Authorization: Bearer <API key>` — what MLflow clients send with
 * MLFLOW_TRACKING_TOKEN.
 */
describe('MLflow REST API through the router, with an API key as the tracking token', () => {
  let platform: RunningPlatform;
  let base: string;
  let owner: TestMember;
  let stranger: TestMember;
  let key: Record<string, string>;
  let readOnlyKey: Record<string, string>;

  const createKey = async (who: TestMember, scopes: string[]) => {
    const { body } = await graphql(
      `${base}/graphql`,
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: `mlflow-${randomUUID().slice(0, 8)}`, scopes } },
      who.headers,
    );
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const { secret } = body.data!['createApiKey'] as { secret: string };
    return { authorization: `Bearer ${secret}` };
  };

  /** A call as MLflow's Python client makes it: POST with JSON, GET with query parameters. */
  const mlflow = async (
    method: 'GET' | 'POST',
    path: string,
    payload: Record<string, string | number | unknown[]> = {},
    headers: Record<string, string> = key,
  ) => {
    const query = new URLSearchParams();
    if (method === 'GET') for (const [k, v] of Object.entries(payload)) query.append(k, String(v));
    const response = await fetch(`${base}/api/2.0/mlflow/${path}${method === 'GET' ? `?${query}` : ''}`, {
      method,
      headers: { ...headers, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? JSON.stringify(payload) : undefined,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (await response.json()) as any };
  };

  before(async () => {
    ({ platform } = await startTestPlatform());
    base = `http://127.0.0.1:${platform.router.port}`;
    const users = platform.subgraphs.find((s) => s.name === 'users')!;
    const query = (sql: string, params: unknown[]) => users.db.query(sql, params);
    const tokenSecret = platform.resources.keys.tokenSecret;
    owner = await createTestMember(query, tokenSecret, { slug: 'mlflow-a', name: 'MLflow A' });
    stranger = await createTestMember(query, tokenSecret, { slug: 'mlflow-b', name: 'MLflow B' });
    key = await createKey(owner, ['experiments:read', 'experiments:write']);
    readOnlyKey = await createKey(owner, ['experiments:read']);
  });
  after(async () => platform?.stop());

  test("a script logging the way MLflow's client does round-trips: experiment, run, metrics, params, tags, artifact", async () => {
    const name = `mnist-${randomUUID().slice(0, 8)}`;
    const missing = await mlflow('GET', 'experiments/get-by-name', { experiment_name: name });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
    const created = await mlflow('POST', 'experiments/create', { name });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const experimentId: string = created.body.experiment_id;

    const started = await mlflow('POST', 'runs/create', {
      experiment_id: experimentId,
      start_time: Date.now(),
      tags: [{ key: 'mlflow.user', value: 'ada' }],
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const runId: string = started.body.run.info.run_id;
    const artifactUri: string = started.body.run.info.artifact_uri;
    assert.equal(artifactUri, `mlflow-artifacts:/${experimentId}/${runId}/artifacts`);

    for (let step = 0; step < 3; step++) {
      const logged = await mlflow('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step }],
        params: step === 0 ? [{ key: 'lr', value: '0.001' }] : [],
        tags: [],
      });
      assert.equal(logged.status, 200, JSON.stringify(logged.body));
      assert.deepEqual(logged.body, {});
    }
    assert.equal(
      (await mlflow('POST', 'runs/log-parameter', { run_id: runId, key: 'epochs', value: '3' })).status,
      200,
    );
    assert.equal((await mlflow('POST', 'runs/set-tag', { run_id: runId, key: 'team', value: 'vision' })).status, 200);

    // mlflow.log_artifact: the client turns mlflow-artifacts:/<path> into <tracking uri>/api/2.0/mlflow-artifacts/artifacts/<path>
    const artifactUrl = `${base}/api/2.0/mlflow-artifacts/artifacts/${artifactUri.slice('mlflow-artifacts:/'.length)}`;
    const model = randomBytes(64 * 1024);
    const put = await fetch(`${artifactUrl}/model/model.pkl`, { method: 'PUT', headers: key, body: model });
    assert.equal(put.status, 200, await put.clone().text());
    const listed = await fetch(
      `${base}/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`${experimentId}/${runId}/artifacts/model`)}`,
      { headers: key },
    );
    assert.deepEqual(await listed.json(), { files: [{ path: 'model.pkl', is_dir: false, file_size: model.length }] });
    const download = await fetch(`${artifactUrl}/model/model.pkl`, { headers: key });
    assert.equal(download.status, 200);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(model));

    const ended = await mlflow('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    assert.equal(ended.body.run_info.status, 'FINISHED');

    const found = await mlflow('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: "metrics.loss < 0.5 and params.lr = '0.001' and tags.team = 'vision'",
    });
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.equal(found.body.runs.length, 1);
    const [run] = found.body.runs;
    assert.equal(run.info.run_id, runId);
    assert.deepEqual(
      run.data.params.sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key)),
      [
        { key: 'epochs', value: '3' },
        { key: 'lr', value: '0.001' },
      ],
    );
    assert.deepEqual(
      run.data.metrics.map((m: { key: string; step: number }) => [m.key, m.step]),
      [['loss', 2]],
    );

    // the same run, as the web UI's GraphQL API shows it
    const { body } = await graphql(
      `${base}/graphql`,
      'query ($id: ID!) { run(id: $id) { id status } }',
      { id: runId },
      owner.headers,
    );
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal((body.data!['run'] as { status: string }).status, 'FINISHED');
  });

  test("refusals come in MLflow's shape: a bad token, no token, a read-only key, another organization, an unknown endpoint", async () => {
    const badToken = await mlflow('GET', 'experiments/search', {}, { authorization: 'Bearer aitip_not-a-real-key' });
    assert.equal(badToken.status, 401);
    assert.equal(badToken.body.error_code, 'UNAUTHENTICATED');
    assert.equal(typeof badToken.body.message, 'string');

    const noToken = await mlflow('POST', 'experiments/create', { name: 'anonymous' }, {});
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.error_code, 'UNAUTHENTICATED');

    const readOnly = await mlflow('POST', 'experiments/create', { name: `ro-${randomUUID()}` }, readOnlyKey);
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.error_code, 'PERMISSION_DENIED');
    assert.equal((await mlflow('POST', 'experiments/search', {}, readOnlyKey)).status, 200);

    const { body: mine } = await mlflow('POST', 'experiments/create', { name: `mine-${randomUUID()}` });
    const { body: started } = await mlflow('POST', 'runs/create', { experiment_id: mine.experiment_id });
    const theirs = await mlflow('GET', 'runs/get', { run_id: started.run.info.run_id }, stranger.headers);
    assert.equal(theirs.status, 404);
    assert.equal(theirs.body.error_code, 'RESOURCE_DOES_NOT_EXIST');

    const unknown = await mlflow('POST', 'runs/teleport', {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, 'ENDPOINT_NOT_FOUND');
  });
});
