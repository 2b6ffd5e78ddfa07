import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
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
  describe(`artifacts (${mode === 'real' ? 'S3 server' : 'local files'})`, () => {
    let h: ExperimentsHarness;
    const alice = member(randomUUID());
    const actor = actorOf(alice);
    let experimentId: string;
    let runId: string;

    before(async () => {
      h = await startExperiments(mode, { EXPERIMENTS_URL_TTL_SECONDS: '600' });
      experimentId = await createExperiment(h, alice);
      runId = await createRun(h, alice, experimentId);
    });
    after(async () => h?.close());

    test('files and directories are stored streaming, listed one level at a time and read back byte for byte', async () => {
      const weights = randomBytes(3 * 1024 * 1024 + 17);
      const files: Array<[string, Buffer]> = [
        ['model/MLmodel', Buffer.from('flavors: {}\n')],
        ['model/data/weights.bin', weights],
        ['metrics.json', Buffer.from('{"rmse": 0.1}')],
      ];
      for (const [path, data] of files) {
        // a stream in small chunks, as an HTTP request body arrives
        const chunks = Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) =>
          data.subarray(i * 65536, (i + 1) * 65536),
        );
        const entry = await h.tracking.putArtifact(actor, runId, path, Readable.from(chunks), data.length);
        assert.deepEqual(entry, { path, isDir: false, size: data.length });
      }
      assert.deepEqual(
        (await h.keys(`experiments/${alice.orgId}/`)).sort(),
        files.map(([path]) => `experiments/${alice.orgId}/${experimentId}/${runId}/artifacts/${path}`).sort(),
      );

      const list = async (path: string) =>
        (
          await h.ok(
            `query($r: ID!, $p: String) { run(id: $r) { artifacts(path: $p) { path isDir size downloadUrl } } }`,
            { r: runId, p: path },
            alice,
          )
        )['run'].artifacts as Array<{ path: string; isDir: boolean; size: number | null; downloadUrl: string | null }>;
      const root = await list('');
      assert.deepEqual(
        root.map((e) => [e.path, e.isDir, e.size]),
        [
          ['metrics.json', false, 13],
          ['model', true, null],
        ],
      );
      assert.equal(root[1]!.downloadUrl, null);
      const downloaded = await fetch(root[0]!.downloadUrl!);
      assert.equal(downloaded.status, 200);
      assert.equal(await downloaded.text(), '{"rmse": 0.1}');
      assert.deepEqual(
        (await list('model')).map((e) => [e.path, e.isDir]),
        [
          ['model/MLmodel', false],
          ['model/data', true],
        ],
      );
      const [bin] = await list('model/data/');
      assert.equal(bin!.size, weights.length);
      assert.ok(Buffer.from(await (await fetch(bin!.downloadUrl!)).arrayBuffer()).equals(weights));
      const { body, size } = await h.tracking.getArtifact(actor, runId, 'model/data/weights.bin');
      assert.equal(size, weights.length);
      assert.ok((await buffer(body)).equals(weights));
      assert.deepEqual(await h.tracking.listArtifacts(actor, runId, 'nothing-here'), []);
    });

    test('presigned upload URLs take a directory file by file', async () => {
      const { artifactUploadUrls } = await h.ok(
        `mutation($r: ID!) { artifactUploadUrls(runId: $r, paths: ["plots/loss.png", "plots/acc.png"]) { path url } }`,
        { r: runId },
        alice,
      );
      assert.deepEqual(
        artifactUploadUrls.map((t: { path: string }) => t.path),
        ['plots/loss.png', 'plots/acc.png'],
      );
      for (const target of artifactUploadUrls as Array<{ path: string; url: string }>) {
        const response = await fetch(target.url, {
          method: 'PUT',
          body: Buffer.from(`png:${target.path}`),
          headers: { 'content-type': 'image/png' },
        });
        assert.ok(response.ok, `PUT ${target.path}: ${response.status} ${await response.text()}`);
      }
      const entries = await h.tracking.listArtifacts(actor, runId, 'plots');
      assert.deepEqual(
        entries.map((e) => e.path),
        ['plots/acc.png', 'plots/loss.png'],
      );
      const { body } = await h.tracking.getArtifact(actor, runId, 'plots/loss.png');
      assert.equal((await buffer(body)).toString(), 'png:plots/loss.png');
    });

    test('paths that could leave the run are refused; a missing file is RESOURCE_DOES_NOT_EXIST', async () => {
      for (const path of ['../other-run/x', '/etc/passwd', 'a//b', 'a/./b', 'a/../../b', 'win\\path', '']) {
        const err = await h.tracking
          .putArtifact(actor, runId, path, Readable.from([Buffer.from('x')]))
          .catch((e: Error & { extensions?: Record<string, unknown> }) => e);
        assert.ok(err instanceof Error, `"${path}" was refused`);
        assert.equal(err.extensions?.['code'], 'BAD_USER_INPUT', path);
        assert.equal(err.extensions?.['mlflowCode'], 'INVALID_PARAMETER_VALUE', path);
      }
      const listed = await h.call(
        `query($r: ID!) { run(id: $r) { artifacts(path: "../") { path } } }`,
        { r: runId },
        alice,
      );
      assert.equal(listed.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
      const missing = await h.tracking
        .getArtifact(actor, runId, 'no/such/file')
        .catch((e: Error & { extensions?: Record<string, unknown> }) => e);
      assert.ok(missing instanceof Error);
      assert.equal(missing.extensions?.['code'], 'NOT_FOUND');
      assert.equal(missing.extensions?.['mlflowCode'], 'RESOURCE_DOES_NOT_EXIST');
      // another organization cannot reach the run's artifacts
      const bob = actorOf(member(randomUUID()));
      const foreign = await h.tracking.getArtifact(bob, runId, 'metrics.json').catch((e: Error) => e);
      assert.ok(foreign instanceof Error);
      assert.equal((foreign as Error & { extensions?: Record<string, unknown> }).extensions?.['code'], 'NOT_FOUND');
    });
  });
}
