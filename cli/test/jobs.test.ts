import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { aitip, repoRoot, setupToken, startAllInOne, type CliResult, type TestPlatform } from './platform.js';

/** A job that waits until it is stopped, with its code in no directory (nothing to upload). */
const WAITING_JOB = `name: waits
backend: local
command: [node, -e, "console.log('waiting'); setInterval(() => {}, 1000)"]
timeoutSeconds: 300
`;

/**
 * A job that logs through the MLflow REST API the way MLflow's client does, with what the platform
 * injected, then tries a call its token must not allow; it prints what it saw (and the token, so the
 * test can check it dies with the attempt).
 */
const MLFLOW_CLIENT_JOB = `
const base = process.env.MLFLOW_TRACKING_URI;
const runId = process.env.MLFLOW_RUN_ID;
const headers = { authorization: 'Bearer ' + process.env.MLFLOW_TRACKING_TOKEN, 'content-type': 'application/json' };
const post = (path, body) => fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
const logged = await post('/api/2.0/mlflow/runs/log-metric', {
  run_id: runId, key: 'via_mlflow', value: 0.25, timestamp: Date.now(), step: 3,
});
console.log('log-metric', logged.status);
const read = await fetch(base + '/api/2.0/mlflow/runs/get?run_id=' + runId, { headers });
const metrics = (await read.json()).run?.data?.metrics ?? [];
console.log('read', JSON.stringify(metrics.find((m) => m.key === 'via_mlflow') ?? null));
const keys = await post('/graphql', { query: '{ apiKeys { id } }' });
console.log('apiKeys', (await keys.json()).errors?.[0]?.extensions?.code);
console.log('token', process.env.MLFLOW_TRACKING_TOKEN);
`;

describe('aitip jobs against the all-in-one platform', () => {
  let platform: TestPlatform;
  const config = mkdtempSync(join(tmpdir(), 'aitip-cli-config-'));
  const work = mkdtempSync(join(tmpdir(), 'aitip-cli-jobs-'));
  const run = (args: string[]) => aitip(platform.url, config, args);
  const ok = (result: CliResult) => {
    assert.equal(result.code, 0, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  let succeeded = '';

  before(async () => {
    platform = await startAllInOne();
    const token = await setupToken(platform);
    const signup = await aitip(
      platform.url,
      config,
      ['signup', '--setup-token', token, '--email', 'ada@example.com', '--display-name', 'Ada', '--password-stdin'],
      { input: 'correct horse battery staple\n' },
    );
    assert.equal(signup.code, 0, signup.stderr);
    ok(await run(['orgs', 'create', 'Acme Research', '--slug', 'acme']));
    ok(await run(['datasets', 'upload', join(repoRoot, 'examples/data/iris.csv'), '--dataset', 'iris', '--create']));
  });
  after(async () => {
    await platform?.stop();
  });

  test('run -f examples/tabular-node/job.yaml --follow uploads the code, prints the log and exits 0', async () => {
    const result = await run(['jobs', 'run', '-f', join(repoRoot, 'examples/tabular-node/job.yaml'), '--follow']);
    ok(result);
    assert.match(result.stderr, /Uploaded \d+ files of .*tabular-node .* as [0-9a-f-]{36}\./);
    assert.match(result.stdout, /^@aitip /m, 'the metric lines are printed');
    assert.match(result.stdout, /^wrote .*model\.onnx/m);
    const done = /Job ([0-9a-f-]{36}) SUCCEEDED/.exec(result.stderr);
    assert.ok(done, result.stderr);
    succeeded = done[1]!;
  });

  test('a YAML file with an unknown field exits 1 naming its line and column', async () => {
    const file = join(work, 'job.yaml');
    writeFileSync(file, 'name: typo\nbackend: local\ncommand: [node, train.mjs]\nhyperparams: {lr: 0.1}\n');
    const result = await run(['jobs', 'run', '-f', file]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:1 hyperparams: `));
    assert.match(result.stderr, /hyperparameters/, 'the closest field is suggested');
  });

  test('list and show tell the job, its run and its attempts', async () => {
    const list = ok(await run(['jobs', 'list']));
    assert.match(list, /^ID +NAME +STATUS +BACKEND +ATTEMPTS +CREATED$/m);
    assert.match(list, new RegExp(`^${succeeded} +tabular-node +SUCCEEDED +local +1 `, 'm'));
    assert.equal(ok(await run(['jobs', 'list', '--status', 'running'])).trim(), 'No job is RUNNING.');
    const show = ok(await run(['jobs', 'show', succeeded]));
    assert.match(show, /^Status: +SUCCEEDED/m);
    assert.match(show, /^Run: +[0-9a-f-]{36} in experiment /m);
    assert.match(show, /^Code: +archive [0-9a-f-]{36}$/m);
    assert.match(show, /^ +1 +SUCCEEDED +succeeded +0 +\d+ /m);
    const missing = await run(['jobs', 'show', '00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no training job/);
  });

  test('logs replays the log from a line', async () => {
    const all = ok(await run(['jobs', 'logs', succeeded]))
      .trimEnd()
      .split('\n');
    const tail = ok(await run(['jobs', 'logs', succeeded, '--from', '5']))
      .trimEnd()
      .split('\n');
    assert.ok(all.length > 5);
    assert.deepEqual(tail, all.slice(5));
  });

  test('logs piped into a reader that stops early (| head -1) ends quietly', async () => {
    const cli = join(repoRoot, 'cli/dist/src/main.js');
    const piped = await promisify(execFile)(
      'sh',
      ['-c', `"${process.execPath}" "${cli}" --url ${platform.url} jobs logs ${succeeded} | head -1`],
      { env: { ...process.env, AITIP_CONFIG_DIR: config, AITIP_API_KEY: '' } },
    );
    assert.equal(piped.stderr, '', 'no EPIPE stack');
    assert.match(piped.stdout, /^[^\n]+\n$/, 'one line');
  });

  test('cancel stops a running job, logs -f ends with it, and retry queues it again', async () => {
    const file = join(work, 'waits.yaml');
    writeFileSync(file, WAITING_JOB);
    const id = ok(await run(['jobs', 'run', '-f', file])).trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const following = run(['jobs', 'logs', '-f', id]);
    // cancel once it runs: its first line is printed
    for (;;) {
      const shown = ok(await run(['jobs', 'show', id]));
      if (/^Status: +RUNNING/m.test(shown)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.match(ok(await run(['jobs', 'cancel', id])), new RegExp(`job ${id}`));
    const followed = await following;
    ok(followed);
    assert.match(followed.stdout, /^waiting$/m);
    assert.match(followed.stderr, new RegExp(`Job ${id} CANCELLED`));
    const again = await run(['jobs', 'cancel', id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already ended \(CANCELLED\)/);
    assert.match(ok(await run(['jobs', 'retry', id])), /is QUEUED again/);
    ok(await run(['jobs', 'cancel', id]));
  });

  test('a job logs to its run through the MLflow API with the token it is given, which dies with the attempt', async () => {
    const dir = join(work, 'mlflow-client');
    mkdirSync(dir);
    writeFileSync(join(dir, 'log.mjs'), MLFLOW_CLIENT_JOB);
    writeFileSync(
      join(dir, 'job.yaml'),
      'name: mlflow-client\nexperiment: tokens\nbackend: local\ncode: .\ncommand: [node, log.mjs]\ntimeoutSeconds: 120\n',
    );
    const result = await run(['jobs', 'run', '-f', join(dir, 'job.yaml'), '--follow']);
    ok(result);
    assert.match(result.stdout, /^log-metric 200$/m, result.stdout);
    assert.match(result.stdout, /^read \{"key":"via_mlflow","value":0.25,"timestamp":\d+,"step":3\}$/m);
    assert.match(result.stdout, /^apiKeys FORBIDDEN$/m, 'the token holds the experiments scopes only');
    const token = /^token (aitip_\S+)$/m.exec(result.stdout)?.[1];
    assert.ok(token, result.stdout);
    const after = await fetch(`${platform.url}/api/2.0/mlflow/experiments/search?max_results=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(after.status, 401, 'the token was revoked when the attempt ended');
    const keys = ok(await run(['keys', 'list']));
    assert.match(
      keys,
      /training job [0-9a-f-]{36} attempt 1 +revoked +experiments:read,experiments:write /,
      'the token is an API key the organization can see',
    );
  });
});
