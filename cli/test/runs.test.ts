import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aitip, setupToken, startAllInOne, type CliResult, type TestPlatform } from './platform.js';

/** What the seeded runs are: the runs list, show and compare read them back. */
const RUNS = [
  { name: 'cnn-small', params: { model: 'cnn', lr: '0.1', epochs: '3' }, acc: [0.5, 0.7, 0.81], loss: [1.2, 0.8, 0.5] },
  {
    name: 'cnn-large',
    params: { model: 'cnn', lr: '0.01', epochs: '3' },
    acc: [0.6, 0.85, 0.93],
    loss: [1.1, 0.4, 0.2],
  },
  { name: 'rnn', params: { model: 'rnn', lr: '0.1', epochs: '3' }, acc: [0.4, 0.55, 0.62], loss: [1.5, 1.3, 1.1] },
];

const ARTIFACTS: Record<string, string> = {
  'model/MLmodel': 'artifact_path: model\nflavors: {}\n',
  'model/weights/part-0.bin': 'x'.repeat(70_000),
  'metrics.txt': 'acc=0.93\n',
};

describe('aitip runs against the all-in-one platform', () => {
  let platform: TestPlatform;
  let key: string;
  const ids: Record<string, string> = {};
  const config = mkdtempSync(join(tmpdir(), 'aitip-cli-config-'));
  const work = mkdtempSync(join(tmpdir(), 'aitip-cli-runs-'));
  const run = (args: string[]) => aitip(platform.url, config, args);
  const ok = (result: CliResult) => {
    assert.equal(result.code, 0, `exit ${result.code}\n${result.stderr}`);
    return result.stdout;
  };
  const json = <T>(result: CliResult): T => JSON.parse(ok(result)) as T;

  /** A GraphQL call with the API key, the way a training script would log. */
  async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  }

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
    key = ok(
      await run(['keys', 'create', '--name', 'train', '--scope', 'experiments:read', '--scope', 'experiments:write']),
    ).trim();

    const { createExperiment } = await graphql<{ createExperiment: { id: string } }>(
      `
        mutation ($name: String!) {
          createExperiment(name: $name) {
            id
          }
        }
      `,
      { name: 'vision' },
    );
    for (const seed of RUNS) {
      const { createRun } = await graphql<{ createRun: { id: string } }>(
        `
          mutation ($e: ID!, $name: String) {
            createRun(experimentId: $e, name: $name) {
              id
            }
          }
        `,
        { e: createExperiment.id, name: seed.name },
      );
      ids[seed.name] = createRun.id;
      await graphql(
        `
          mutation ($id: ID!, $metrics: [MetricInput!], $params: [ParamInput!], $tags: [TagInput!]) {
            logRunData(runId: $id, metrics: $metrics, params: $params, tags: $tags) {
              id
            }
          }
        `,
        {
          id: createRun.id,
          params: Object.entries(seed.params).map(([k, value]) => ({ key: k, value })),
          tags: [{ key: 'team', value: 'cv' }],
          metrics: seed.acc.flatMap((acc, step) => [
            { key: 'acc', value: acc, step },
            { key: 'loss', value: seed.loss[step]!, step },
          ]),
        },
      );
      await graphql(
        `
          mutation ($id: ID!) {
            updateRun(id: $id, status: FINISHED) {
              id
            }
          }
        `,
        { id: createRun.id },
      );
    }
    const { artifactUploadUrls } = await graphql<{ artifactUploadUrls: Array<{ path: string; url: string }> }>(
      `
        mutation ($id: ID!, $paths: [String!]!) {
          artifactUploadUrls(runId: $id, paths: $paths) {
            path
            url
          }
        }
      `,
      { id: ids['cnn-large'], paths: Object.keys(ARTIFACTS) },
    );
    for (const target of artifactUploadUrls) {
      const put = await fetch(new URL(target.url, platform.url), { method: 'PUT', body: ARTIFACTS[target.path] });
      assert.ok(put.ok, `PUT ${target.path}: HTTP ${put.status} ${await put.text()}`);
    }
  });
  after(async () => {
    await platform?.stop();
  });

  test('runs list prints a table of the experiment’s runs, newest first, with their metrics', async () => {
    const out = ok(await run(['runs', 'list', '--experiment', 'vision']));
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0]!, /^ID +NAME +STATUS +STARTED +DURATION +metrics\.acc +metrics\.loss$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/ +/)[1]),
      ['rnn', 'cnn-large', 'cnn-small'],
    );
    assert.match(
      out,
      new RegExp(
        `^${ids['cnn-large']} +cnn-large +FINISHED +\\d{4}-\\d\\d-\\d\\d \\S+ +\\d+:\\d\\d +0\\.93 +0\\.2$`,
        'm',
      ),
    );
  });

  test('--filter, --order-by, --limit and --column use MLflow’s search language', async () => {
    const filtered = ok(
      await run([
        'runs',
        'list',
        '--experiment',
        'vision',
        '--filter',
        "metrics.acc > 0.7 and params.model = 'cnn'",
        '--order-by',
        'metrics.acc DESC',
      ]),
    );
    assert.deepEqual(
      filtered
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/ +/)[1]),
      ['cnn-large', 'cnn-small'],
    );
    const limited = await run([
      'runs',
      'list',
      '--experiment',
      'vision',
      '--order-by',
      'metrics.loss',
      '--limit',
      '1',
      '--column',
      'params.lr',
    ]);
    assert.match(ok(limited), /^ID +NAME +STATUS +STARTED +DURATION +params\.lr$/m);
    assert.match(limited.stdout, / cnn-large +FINISHED .* 0\.01$/m);
    assert.equal(limited.stdout.trimEnd().split('\n').length, 2);
    assert.match(limited.stderr, /Showing the first 1 run; raise --limit to see more\./);
    const listed = json<Array<{ id: string; name: string }>>(
      await run(['runs', 'list', '--experiment', 'vision', '--filter', "attributes.run_name = 'rnn'", '--json']),
    );
    assert.deepEqual(
      listed.map((r) => [r.id, r.name]),
      [[ids['rnn'], 'rnn']],
    );
    assert.match(
      ok(await run(['runs', 'list', '--experiment', 'vision', '--filter', "params.model = 'svm'"])),
      /No run of vision matches the filter\./,
    );
  });

  test('a malformed filter is refused with the column of the offending token marked', async () => {
    const filter = "metrics.acc > 0.5 or params.model = 'cnn'";
    const result = await run(['runs', 'list', '--experiment', 'vision', '--filter', filter]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /column 19, 'or': OR is not supported/);
    assert.ok(result.stderr.includes(`\n  ${filter}\n  ${' '.repeat(18)}^`), result.stderr);
    const unknown = await run(['runs', 'list', '--experiment', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /There is no experiment "nope" in this organization\./);
  });

  test('runs show prints the attributes, params, tags and latest metrics', async () => {
    const out = ok(await run(['runs', 'show', ids['cnn-small']!]));
    assert.match(out, new RegExp(`^Run +${ids['cnn-small']}$`, 'm'));
    assert.match(out, /^Name +cnn-small$/m);
    assert.match(out, /^Experiment +vision \(/m);
    assert.match(out, /^Status +FINISHED$/m);
    assert.match(out, /^Params\nKEY +VALUE\nepochs +3\nlr +0\.1\nmodel +cnn$/m);
    assert.match(out, /^team +cv$/m);
    assert.doesNotMatch(out, /^mlflow\.runName/m, 'system tags are hidden unless asked for');
    assert.match(
      out,
      /^KEY +LATEST +STEP +MIN +MAX +POINTS\nacc +0\.81 +2 +0\.5 +0\.81 +3\nloss +0\.5 +2 +0\.5 +1\.2 +3$/m,
    );
    const detail = json<{ id: string; params: unknown[]; metrics: Array<{ key: string; value: number }> }>(
      await run(['runs', 'show', ids['rnn']!, '--json']),
    );
    assert.equal(detail.id, ids['rnn']);
    assert.deepEqual(
      detail.metrics.map((m) => [m.key, m.value]),
      [
        ['acc', 0.62],
        ['loss', 1.1],
      ],
    );
    const missing = await run(['runs', 'show', '00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no run "00000000-0000-4000-8000-000000000000"/);
  });

  test('runs compare marks the params that differ and puts metrics side by side', async () => {
    const out = ok(await run(['runs', 'compare', ids['cnn-small']!, ids['cnn-large']!, ids['rnn']!]));
    assert.match(out, /^Params \(2 of 3 differ, marked \*\)$/m);
    assert.match(out, /^ +KEY +\[1\] cnn-small +\[2\] cnn-large +\[3\] rnn$/m);
    assert.match(out, /^ +epochs +3 +3 +3$/m);
    assert.match(out, /^\* +lr +0\.1 +0\.01 +0\.1$/m);
    assert.match(out, /^\* +model +cnn +cnn +rnn$/m);
    assert.match(out, /^acc +0\.81 +0\.93 +0\.62$/m);
    assert.match(out, /^loss +0\.5 +0\.2 +1\.1$/m);
    const onlyDifferent = ok(
      await run(['runs', 'compare', ids['cnn-small']!, ids['cnn-large']!, '--only-different', '--metric', 'max']),
    );
    assert.doesNotMatch(onlyDifferent, /epochs|model/);
    assert.match(onlyDifferent, /^\* +lr +0\.1 +0\.01$/m);
    assert.match(onlyDifferent, /^Metrics \(max\)\nKEY .*\nacc +0\.81 +0\.93\nloss +1\.2 +1\.1$/m);
    const one = await run(['runs', 'compare', ids['rnn']!]);
    assert.equal(one.code, 1);
    assert.match(one.stderr, /Give two to 100 different run ids/);
  });

  test('runs artifacts download fetches every artifact, keeping paths; a folder or a file alone too', async () => {
    const id = ids['cnn-large']!;
    const all = join(work, 'all');
    const out = await run(['runs', 'artifacts', 'download', id, '--out', all]);
    assert.match(ok(out), /^Downloaded 3 files \(\d+\.\d KiB\) into .*all\.$/m);
    for (const [path, content] of Object.entries(ARTIFACTS))
      assert.equal(readFileSync(join(all, path), 'utf8'), content);

    const model = join(work, 'model-only');
    ok(await run(['runs', 'artifacts', 'download', id, 'model', '--out', model]));
    assert.deepEqual(readdirSync(model), ['model']);
    assert.deepEqual(readdirSync(join(model, 'model')).sort(), ['MLmodel', 'weights']);
    assert.equal(readFileSync(join(model, 'model/weights/part-0.bin'), 'utf8'), ARTIFACTS['model/weights/part-0.bin']);

    const single = join(work, 'single');
    ok(await run(['runs', 'artifacts', 'download', id, 'metrics.txt', '--out', single]));
    assert.equal(readFileSync(join(single, 'metrics.txt'), 'utf8'), ARTIFACTS['metrics.txt']);

    assert.match(ok(await run(['runs', 'artifacts', 'list', id])), /^metrics\.txt {2}\d+ B\nmodel\/$/m);
    const missing = await run(['runs', 'artifacts', 'download', id, 'nope', '--out', join(work, 'none')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /has no artifact "nope"/);
    assert.match(
      ok(await run(['runs', 'artifacts', 'download', ids['rnn']!, '--out', join(work, 'empty')])),
      /no artifacts yet/,
    );
  });
});
