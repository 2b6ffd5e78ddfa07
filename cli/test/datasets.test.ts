import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aitip, setupToken, startAllInOne, type CliResult, type TestPlatform } from './platform.js';

const MiB = 1024 * 1024;

interface UploadJson {
  dataset: { id: string; name: string };
  uploadId: string;
  status: string;
  deduplicated: boolean;
  resumed: boolean;
  partsSent: number;
  partsAlreadyUploaded: number;
  version: {
    id: string;
    version: number;
    rowCount: number;
    format: string;
    fileCount: number;
    files: Array<{ path: string; sha256: string; sizeBytes: number }>;
    stats: Array<{ name: string }>;
  } | null;
  issues: Array<{ file: string; line: number | null; code: string }>;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A CSV of about `bytes` bytes with a header and numbered rows. */
function bigCsv(bytes: number): Buffer {
  const lines = ['id,value,label'];
  let size = lines[0]!.length + 1;
  for (let i = 0; size < bytes; i++) {
    const line = `${i},${(i * 0.37).toFixed(2)},${i % 3 === 0 ? 'cat' : 'dog'}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n') + '\n');
}

describe('aitip datasets against the all-in-one platform', () => {
  let platform: TestPlatform;
  const config = mkdtempSync(join(tmpdir(), 'aitip-cli-config-'));
  const work = mkdtempSync(join(tmpdir(), 'aitip-cli-datasets-'));
  const run = (args: string[], env?: Record<string, string>) => aitip(platform.url, config, args, { env });
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, `exit ${result.code}\n${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };

  before(async () => {
    // parts of 5 MiB (the smallest S3 takes) so a 12 MiB file has three
    platform = await startAllInOne({
      DATASETS_PART_SIZE_BYTES: String(5 * MiB),
      DATASETS_STORAGE_QUOTA_BYTES: String(48 * MiB),
    });
    const token = await setupToken(platform);
    const signup = await aitip(
      platform.url,
      config,
      ['signup', '--setup-token', token, '--email', 'ada@example.com', '--display-name', 'Ada', '--password-stdin'],
      { input: 'correct horse battery staple\n' },
    );
    assert.equal(signup.code, 0, signup.stderr);
    const org = await run(['orgs', 'create', 'Acme Research', '--slug', 'acme']);
    assert.equal(org.code, 0, org.stderr);
  });
  after(async () => {
    await platform?.stop();
  });

  test('create, upload a CSV, then list and show it READY with its schema and preview', async () => {
    const created = await run(['datasets', 'create', 'iris', '--description', 'Fisher iris', '--tag', 'demo']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created dataset iris \(.+\)\. Upload files with `aitip datasets upload/);

    const file = join(work, 'iris.csv');
    writeFileSync(
      file,
      'sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n',
    );
    const text = await run(['datasets', 'upload', file, '--dataset', 'iris']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Version 1 of iris is ready: 4 rows, CSV, 1 file, \d+ B\.$/m);
    assert.match(text.stderr, /Uploading 1 file \(\d+ B\) to dataset iris as upload /);
    assert.match(text.stderr, /^Uploading: /m, 'a progress line on a pipe');
    assert.equal(readdirSync(join(config, 'uploads')).length, 0, 'the resume file is removed when done');

    const list = await run(['datasets', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NAME +STATUS +FORMAT +VERSIONS +UPDATED$/m);
    assert.match(list.stdout, /^iris +READY +CSV +1 +\d{4}-/m);
    const listed = json<Array<{ name: string; tags: string[] }>>(
      await run(['datasets', 'list', '--tag', 'demo', '--json']),
    );
    assert.deepEqual(
      listed.map((d) => [d.name, d.tags]),
      [['iris', ['demo']]],
    );
    assert.deepEqual(json<unknown[]>(await run(['datasets', 'list', '--status', 'invalid', '--json'])), []);

    const show = await run(['datasets', 'show', 'iris']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^Status +READY$/m);
    assert.match(show.stdout, /^Version 1 \(READY\): 4 rows, CSV, 1 file/m);
    assert.match(show.stdout, /^iris\.csv +\d+ B +CSV +4 /m);
    assert.match(show.stdout, /^sepal_length +\S+ +0 +4\.9 +7(\.0)? /m);
    assert.match(show.stdout, /^Preview \(first 4 rows\):$/m);
    assert.match(show.stdout, /^5\.1 +3\.5 +setosa$/m);
    const shown = json<{ status: string; version: { version: number; stats: Array<{ name: string }> } }>(
      await run(['datasets', 'show', 'iris', '--json']),
    );
    assert.equal(shown.status, 'READY');
    assert.deepEqual(
      shown.version.stats.map((c) => c.name),
      ['sepal_length', 'sepal_width', 'species'],
    );
  });

  test('the same content uploaded again is recognised as the same version', async () => {
    const again = json<UploadJson>(
      await run(['datasets', 'upload', join(work, 'iris.csv'), '--dataset', 'iris', '--json']),
    );
    assert.equal(again.status, 'READY');
    assert.equal(again.deduplicated, true);
    assert.equal(again.version?.version, 1);
    const text = await run(['datasets', 'upload', join(work, 'iris.csv'), '--dataset', 'iris']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /The same content is already version 1 of iris: nothing new was stored\./);
    const shown = json<{ versionCount: number }>(await run(['datasets', 'show', 'iris', '--json']));
    assert.equal(shown.versionCount, 1);
  });

  test('a directory uploads as one version and downloads back byte for byte', async () => {
    const dir = join(work, 'splits');
    mkdirSync(join(dir, 'test'), { recursive: true });
    mkdirSync(join(dir, '.cache'));
    const train = Buffer.from('x,y\n1,2\n3,4\n5,6\n');
    const testFile = Buffer.from('x,y\n7,8\n');
    writeFileSync(join(dir, 'train.csv'), train);
    writeFileSync(join(dir, 'test', 'data.csv'), testFile);
    writeFileSync(join(dir, '.notes'), 'left out');
    writeFileSync(join(dir, '.cache', 'x.csv'), 'left out');

    const uploaded = json<UploadJson>(
      await run(['datasets', 'upload', dir, '--dataset', 'splits', '--create', '--json']),
    );
    assert.equal(uploaded.status, 'READY');
    assert.equal(uploaded.version?.fileCount, 2);
    assert.deepEqual(uploaded.version?.files.map((f) => f.path).sort(), ['test/data.csv', 'train.csv']);

    const out = join(work, 'download');
    const download = await run(['datasets', 'download', 'splits', '--output', out]);
    assert.equal(download.code, 0, download.stderr);
    assert.match(download.stdout, /Downloaded 2 files of version 1 into .*; every sha256 matches\./);
    assert.deepEqual(readFileSync(join(out, 'train.csv')), train);
    assert.deepEqual(readFileSync(join(out, 'test', 'data.csv')), testFile);
    assert.equal(existsSync(join(out, '.notes')), false);

    const twice = await run(['datasets', 'download', 'splits', '--output', out]);
    assert.equal(twice.code, 0, twice.stderr);
    assert.match(twice.stdout, /Downloaded 0 files .* \(2 files already there with the right content\)/);

    const linked = join(work, 'linked');
    mkdirSync(linked);
    writeFileSync(join(linked, 'a.csv'), 'a\n1\n');
    symlinkSync(join(work, 'iris.csv'), join(linked, 'outside.csv'));
    const refused = await run(['datasets', 'upload', linked, '--dataset', 'splits']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Symbolic links in .* point outside it: outside\.csv -> /);
  });

  test('a CSV with a row of the wrong width is refused with its line number', async () => {
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    const result = await run(['datasets', 'upload', bad, '--dataset', 'broken', '--create']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Upload \S+ is invalid; no version was made:/);
    assert.match(result.stderr, /^ {2}bad\.csv:3 [A-Z_]+ /m);
    assert.match(result.stderr, /^aitip: The files were refused \(\d+ problems?\)\. Fix them and upload again\.$/m);

    const show = await run(['datasets', 'show', 'broken']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^Status +INVALID$/m);
    assert.match(show.stdout, /^ {2}bad\.csv:3 [A-Z_]+ /m);
  });

  test('an interrupted upload resumes with only the missing parts', async () => {
    const big = join(work, 'big.csv');
    const bytes = bigCsv(12 * MiB);
    writeFileSync(big, bytes);

    const first = await run(['datasets', 'upload', big, '--dataset', 'big', '--create', '--concurrency', '1'], {
      AITIP_UPLOAD_STOP_AFTER_PARTS: '1',
    });
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /Interrupted after sending 1 of 3 parts\. Run the same command again/);
    assert.equal(readdirSync(join(config, 'uploads')).length, 1, 'the resume file stays');

    const second = await run(['datasets', 'upload', big, '--dataset', 'big', '--json']);
    const resumed = json<UploadJson>(second);
    assert.match(second.stderr, /Resuming upload \S+: 1 of 3 parts already uploaded\./);
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.partsAlreadyUploaded, 1);
    assert.equal(resumed.partsSent, 2);
    assert.equal(resumed.status, 'READY');
    assert.equal(resumed.version?.files[0]?.sha256, sha256(bytes));
    assert.equal(resumed.version?.files[0]?.sizeBytes, bytes.length);
    assert.equal(readdirSync(join(config, 'uploads')).length, 0);

    // --restart ignores an interrupted upload and sends everything again
    const touched = join(work, 'restart.csv');
    writeFileSync(touched, bigCsv(6 * MiB));
    const stopped = await run(['datasets', 'upload', touched, '--dataset', 'big', '--concurrency', '1'], {
      AITIP_UPLOAD_STOP_AFTER_PARTS: '1',
    });
    assert.equal(stopped.code, 130, stopped.stderr);
    const restarted = json<UploadJson>(
      await run(['datasets', 'upload', touched, '--dataset', 'big', '--restart', '--json']),
    );
    assert.equal(restarted.resumed, false);
    assert.equal(restarted.partsSent, 2);
    assert.equal(restarted.version?.version, 2);
  });

  test('delete keeps a dataset restorable; versions too', async () => {
    const deleted = await run(['datasets', 'delete', 'splits']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(
      deleted.stdout,
      /Deleted dataset splits and its 1 version\. It can be restored until the retention period ends: `aitip datasets restore \S+`\./,
    );
    assert.doesNotMatch((await run(['datasets', 'list'])).stdout, /^splits /m);
    assert.match((await run(['datasets', 'list', '--deleted'])).stdout, /^splits +/m);
    const restored = await run(['datasets', 'restore', 'splits']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /Restored dataset splits with 1 version\./);

    const version = await run(['datasets', 'delete', 'big', '--version', '1']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(
      version.stdout,
      /Deleted version 1 of big\. It can be restored .*`aitip datasets restore big --version 1`/,
    );
    const show = json<{ versionCount: number; version: { version: number } }>(
      await run(['datasets', 'show', 'big', '--json']),
    );
    assert.equal(show.versionCount, 1);
    assert.equal(show.version.version, 2);
    const back = await run(['datasets', 'restore', 'big', '--version', '1']);
    assert.equal(back.code, 0, back.stderr);
  });

  test('errors say what to do', async () => {
    const missing = await run(['datasets', 'show', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^aitip: There is no dataset "nope" in this organization\. See your datasets with `aitip datasets list`\.$/m,
    );

    const noCreate = await run(['datasets', 'upload', join(work, 'iris.csv'), '--dataset', 'absent']);
    assert.equal(noCreate.code, 1);
    assert.match(noCreate.stderr, /Add --create to create it/);

    const noVersion = await run(['datasets', 'show', 'iris', '--version', '9']);
    assert.equal(noVersion.code, 1);
    assert.match(noVersion.stderr, /Dataset iris has no version 9; its versions are 1\./);

    const noFile = await run(['datasets', 'upload', join(work, 'absent.csv'), '--dataset', 'iris']);
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /absent\.csv does not exist: give a file or a directory to upload\./);

    // a sparse file: larger than the whole quota, refused before a byte is sent
    const huge = join(work, 'huge.csv');
    writeFileSync(huge, '');
    truncateSync(huge, 64 * MiB);
    const quota = await run(['datasets', 'upload', huge, '--dataset', 'iris']);
    assert.equal(quota.code, 1);
    assert.match(
      quota.stderr,
      /^aitip: Dataset storage quota exceeded\. This upload needs 64\.0 MiB; the organization uses .+ of its 48\.0 MiB\. /m,
    );

    const empty = join(work, 'empty.csv');
    writeFileSync(empty, '');
    const refused = await run(['datasets', 'upload', empty, '--dataset', 'iris']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /empty\.csv is empty; a dataset version keeps no empty files/);
  });
});
