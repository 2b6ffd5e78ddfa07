import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { IDENTITY_HEADER, signIdentity, type Identity } from '@aitip/kit';
import { extractArchive } from '../src/code-archives/code-archives.js';
import { BadArchiveError } from '../src/code-archives/archive-entries.js';
import {
  job,
  logLines,
  member,
  repoRoot,
  startTraining,
  statusesUntilEnd,
  submit,
  uploadDatasetVersion,
  type TrainingHarness,
} from './support.js';

type Entry = Partial<Header> & { name: string; data?: string | Buffer };

/** A .tar.gz of `entries`, written with tar-stream as any tar would. */
async function tarGz(entries: Entry[]): Promise<Buffer> {
  const archive = pack();
  const zipped = buffer(archive.pipe(createGzip()));
  for (const { data, ...header } of entries) {
    await new Promise<void>((resolve, reject) =>
      archive.entry(header, data ?? '', (err) => (err ? reject(err) : resolve())),
    );
  }
  archive.finalize();
  return zipped;
}

/** The files of a directory as archive entries (what `aitip jobs run` uploads for `code: .`). */
async function directoryEntries(dir: string): Promise<Entry[]> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  const entries: Entry[] = [];
  for (const f of files.filter((e) => e.isFile())) {
    const path = join(f.parentPath, f.name);
    entries.push({ name: relative(dir, path), data: await readFile(path, 'utf8'), mode: 0o644 });
  }
  return entries;
}

/** Each archive a worker must not extract, with what the refusal names. */
const BAD_ARCHIVES: Array<{ what: string; entries: Entry[]; says: RegExp }> = [
  { what: 'an absolute path', entries: [{ name: '/tmp/evil.sh', data: 'x' }], says: /absolute path/ },
  { what: 'a .. segment', entries: [{ name: 'code/../../evil.sh', data: 'x' }], says: /"\.\."/ },
  {
    what: 'a symlink pointing outside',
    entries: [{ name: 'passwd', type: 'symlink', linkname: '../../../etc/passwd' }],
    says: /outside the code directory/,
  },
  {
    what: 'an absolute symlink',
    entries: [{ name: 'passwd', type: 'symlink', linkname: '/etc/passwd' }],
    says: /outside the code directory/,
  },
  {
    what: 'a file written through a symlink',
    entries: [
      { name: 'up', type: 'symlink', linkname: '.' },
      { name: 'up/x.txt', data: 'x' },
    ],
    says: /through or over the link/,
  },
  {
    what: 'a hard link to a file outside',
    entries: [{ name: 'shadow', type: 'link', linkname: '/etc/shadow' }],
    says: /hard link/,
  },
  {
    what: 'a character device',
    entries: [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }],
    says: /character-device/,
  },
  { what: 'a FIFO', entries: [{ name: 'pipe', type: 'fifo' }], says: /fifo/ },
];

describe('code archives (PostgreSQL, Redis, RabbitMQ, S3)', () => {
  let h: TrainingHarness;
  const alice = member();
  let rest: string;

  /** PUTs `body` as `who`; `streamed`: without a Content-Length, so only the streamed count can tell its size. */
  const put = async (body: Buffer, who: Identity | null = alice, streamed = false) => {
    const response = await fetch(`${rest}/code-archives`, {
      method: 'PUT',
      headers: who ? { [IDENTITY_HEADER]: signIdentity(who, h.test.internalSecret) } : {},
      ...(streamed
        ? { body: Readable.toWeb(Readable.from([body.subarray(0, 1000), body.subarray(1000)])), duplex: 'half' }
        : { body }),
    } as RequestInit);
    return { status: response.status, json: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  before(async () => {
    h = await startTraining('real', { TRAINING_LOCAL_CODE_PATHS: 'false', TRAINING_CODE_ARCHIVE_MAX_MIB: '1' });
    rest = `${h.training.url.replace(/\/graphql$/, '')}/rest`;
  });
  after(async () => {
    await h?.close();
  });

  test('examples/tabular-node uploaded as an archive runs on the local backend', async () => {
    const iris = await readFile(join(repoRoot, 'examples/data/iris.csv'));
    await uploadDatasetVersion(h, alice, 'iris', [{ path: 'iris.csv', data: iris }]);
    const archive = await tarGz(await directoryEntries(join(repoRoot, 'examples/tabular-node')));
    const uploaded = await put(archive);
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.json));
    assert.equal(uploaded.json['size'], archive.length);
    assert.equal(uploaded.json['sha256'], createHash('sha256').update(archive).digest('hex'));
    const archiveId = uploaded.json['archiveId'] as string;
    assert.deepEqual(await h.test.keys(`training/${alice.orgId}/code/`), [
      `training/${alice.orgId}/code/${archiveId}.tar.gz`,
    ]);

    const submitted = await submit(h, alice, {
      name: 'tabular-node-archive',
      experiment: `iris-${randomUUID().slice(0, 8)}`,
      backend: 'local',
      runtime: 'node',
      code: { archiveId },
      command: ['node', 'train.mjs'],
      inputs: [{ name: 'iris', dataset: 'iris', version: 'latest' }],
      hyperparameters: [{ name: 'epochs', value: '20' }],
      timeoutSeconds: 120,
    });
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const created = submitted.data!['submitTrainingJob'];
    assert.equal((await statusesUntilEnd(h, alice, created.id)).at(-1), 'SUCCEEDED');
    const done = await job(h, alice, created.id);
    assert.equal(done.status, 'SUCCEEDED', done.message);
    const lines = await logLines<{ number: number; text: string }>(
      h,
      { id: created.id, from: 0 },
      alice,
      done.attempts[0].logLines,
      'number text',
    );
    assert.ok(lines.some((l) => /^wrote .*model\.onnx/.test(l.text)));
    const artifacts = await h.mlflow(`/mlflow/artifacts/list?run_id=${created.runId}`, alice);
    assert.ok(
      artifacts.json.files.some((f: { path: string }) => f.path === 'model.onnx'),
      artifacts.text,
    );
  });

  test('a command that is a script inside the archive is found at submission and runs with its mode', async () => {
    const uploaded = await put(
      await tarGz([
        { name: 'bin/', type: 'directory', mode: 0o755 },
        { name: 'bin/train.sh', data: '#!/bin/sh\necho "trained from $(pwd)"\n', mode: 0o755 },
      ]),
    );
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.json));
    const input = { name: 'script', backend: 'local', code: { archiveId: uploaded.json['archiveId'] } };
    const missing = await submit(h, alice, { ...input, command: ['./bin/missing.sh'] });
    assert.match(missing.errors?.[0]?.message ?? '', /command \.\/bin\/missing\.sh is not an executable file/);
    const submitted = await submit(h, alice, { ...input, command: ['./bin/train.sh'] });
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id = submitted.data!['submitTrainingJob'].id as string;
    assert.equal((await statusesUntilEnd(h, alice, id)).at(-1), 'SUCCEEDED');
    const [line] = await logLines<{ number: number; text: string }>(h, { id }, alice, 1, 'number text');
    assert.match(line!.text, /^trained from \/.*\/code$/);
  });

  test('an unknown archive, or one of another organization, is refused at submission', async () => {
    const theirs = await put(await tarGz([{ name: 'train.sh', data: 'echo hi\n' }]), member());
    assert.equal(theirs.status, 201);
    for (const archiveId of [randomUUID(), theirs.json['archiveId'] as string, 'not-an-id']) {
      const answer = await submit(h, alice, {
        name: 'no-code',
        backend: 'local',
        code: { archiveId },
        command: ['sh', 'train.sh'],
      });
      assert.match(answer.errors?.[0]?.message ?? '', /no code archive .* in this organization; upload the code/);
    }
  });

  test('what is not gzip, too large, or unsigned-in is refused with what to do', async () => {
    const kept = await h.test.keys(`training/${alice.orgId}/code/`);
    const notGzip = await put(Buffer.from('name: not an archive\n'));
    assert.equal(notGzip.status, 400);
    assert.match(notGzip.json['error'].message, /not gzip data: send the code directory as a \.tar\.gz/);
    const truncated = (await tarGz([{ name: 'a.txt', data: 'a'.repeat(5000) }])).subarray(0, 40);
    const broken = await put(truncated);
    assert.equal(broken.status, 400);
    assert.match(broken.json['error'].message, /not a readable \.tar\.gz/);
    const tooLarge = await tarGz([{ name: 'weights.bin', data: randomBytes(2 * 1024 * 1024) }]);
    for (const streamed of [false, true]) {
      const large = await put(tooLarge, alice, streamed);
      assert.equal(large.status, 400);
      assert.match(large.json['error'].message, /larger than 1048576 bytes \(TRAINING_CODE_ARCHIVE_MAX_MIB\)/);
    }
    const anonymous = await put(await tarGz([{ name: 'a.txt', data: 'a' }]), null);
    assert.equal(anonymous.status, 401);
    const viewer = await put(await tarGz([{ name: 'a.txt', data: 'a' }]), member(alice.orgId!, 'viewer'));
    assert.equal(viewer.status, 403);
    assert.match(viewer.json['error'].message, /training:write/);
    // nothing refused was kept
    assert.deepEqual(await h.test.keys(`training/${alice.orgId}/code/`), kept);
  });

  for (const bad of BAD_ARCHIVES) {
    test(`an archive with ${bad.what} is refused at upload and by the worker's extraction`, async () => {
      const archive = await tarGz([{ name: 'ok.txt', data: 'fine' }, ...bad.entries]);
      const uploaded = await put(archive);
      assert.equal(uploaded.status, 400, JSON.stringify(uploaded.json));
      assert.match(uploaded.json['error'].message, bad.says);

      const root = await mkdtemp(join(tmpdir(), 'aitip-archive-'));
      try {
        const code = join(root, 'a', 'b', 'code');
        await assert.rejects(extractArchive(Readable.from([archive]), code), (err: unknown) => {
          assert.ok(err instanceof BadArchiveError);
          assert.match(err.message, bad.says);
          return true;
        });
        assert.deepEqual(await readdir(join(root, 'a', 'b')).catch(() => []), existsSync(code) ? ['code'] : []);
        assert.ok(!existsSync(join(root, 'a', 'evil.sh')) && !existsSync(join(root, 'evil.sh')));
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});
