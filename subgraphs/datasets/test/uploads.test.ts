import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER } from '@aitip/kit';
import {
  complete,
  createDataset,
  member,
  putPart,
  settled,
  sha256,
  startDatasets,
  startUpload,
  upload,
  type DatasetsHarness,
  type Mode,
} from './support.js';

const CSV = Buffer.from('id,name,score\n1,ada,3.5\n2,bob,\n3,cy,9.25\n4,di,1\n');
const BROKEN_CSV = Buffer.from('id,name,score\n1,ada,3.5\n2,bob,4,extra\n3,cy,9.25\n');
const MiB = 1024 * 1024;

const VERSION = `id version status contentHash sizeBytes fileCount rowCount format
  files { path sizeBytes sha256 format downloadUrl }
  stats { name type count nullCount min max mean histogram { count } topValues { value count } }
  preview { columns rows }`;

for (const mode of ['real', 'embedded'] as Mode[]) {
  describe(`dataset uploads (${mode === 'real' ? 'PostgreSQL, Redis, RabbitMQ, S3 server' : 'embedded'})`, () => {
    let h: DatasetsHarness;
    const orgA = randomUUID();
    const orgB = randomUUID();
    const alice = member(orgA);
    const bob = member(orgB);

    before(async () => {
      h = await startDatasets(mode, {
        DATASETS_PART_SIZE_BYTES: String(5 * MiB),
        DATASETS_MAX_FILE_BYTES: String(64 * MiB),
        DATASETS_STORAGE_QUOTA_BYTES: String(100 * MiB),
        DATASETS_RETENTION_SECONDS: '1',
        DATASETS_UPLOAD_TTL_SECONDS: '3600',
        DATASETS_SWEEP_SECONDS: '3600',
      });
    });
    after(async () => h?.close());

    test('a CSV becomes version 1 with its schema, stats and preview, and downloads byte for byte', async () => {
      const datasetId = await createDataset(h, alice);
      const completed = await upload(h, alice, datasetId, [{ path: 'scores.csv', data: CSV }]);
      assert.equal(completed.errors, undefined);
      assert.equal(completed.data!['completeDatasetUpload'].status, 'VALIDATING');
      const done = await settled(h, alice, completed.data!['completeDatasetUpload'].id);
      assert.equal(done.status, 'READY', JSON.stringify(done.issues));
      const { datasetVersion: v } = await h.ok(
        `query($id: ID!) { datasetVersion(id: $id) { ${VERSION} } }`,
        { id: done.versionId },
        alice,
      );
      assert.equal(v.version, 1);
      assert.equal(v.format, 'CSV');
      assert.equal(v.rowCount, 4);
      assert.equal(v.sizeBytes, CSV.length);
      assert.deepEqual(
        v.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256]),
        [['scores.csv', sha256(CSV)]],
      );
      assert.deepEqual(
        v.stats.map((c: { name: string }) => c.name),
        ['id', 'name', 'score'],
      );
      const score = v.stats.find((c: { name: string }) => c.name === 'score');
      assert.equal(score.nullCount, 1);
      assert.equal(Number(score.min), 1);
      assert.equal(Number(score.max), 9.25);
      assert.ok(Math.abs(score.mean - (3.5 + 9.25 + 1) / 3) < 1e-9);
      assert.equal(
        score.histogram.reduce((n: number, b: { count: number }) => n + b.count, 0),
        3,
      );
      assert.deepEqual(v.preview.columns, ['id', 'name', 'score']);
      assert.equal(v.preview.rows.length, 4);
      assert.equal(v.preview.rows[0][1], 'ada');
      const downloaded = Buffer.from(await (await fetch(v.files[0].downloadUrl)).arrayBuffer());
      assert.equal(sha256(downloaded), sha256(CSV));
      const { dataset } = await h.ok(
        `query($id: ID!) { dataset(id: $id) { status format versionCount } }`,
        { id: datasetId },
        alice,
      );
      assert.deepEqual(dataset, { status: 'READY', format: 'CSV', versionCount: 1 });
    });

    test('validation progress streams as a subscription, replayed from the start, ending READY with the version', async () => {
      const datasetId = await createDataset(h, alice);
      const completed = await upload(h, alice, datasetId, [{ path: 'a.csv', data: CSV }]);
      const uploadId = completed.data!['completeDatasetUpload'].id as string;
      const done = await settled(h, alice, uploadId);
      const client = createClient({
        url: h.subgraph.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { [IDENTITY_HEADER]: h.sign(alice) },
        retryAttempts: 0,
      });
      const events: Array<{ status: string; progress: number; versionId: string | null }> = [];
      await new Promise<void>((resolve, reject) => {
        const stop = client.subscribe<{ datasetVersionProgress: (typeof events)[number] }>(
          {
            query: `subscription($id: ID!) { datasetVersionProgress(uploadId: $id) { status progress versionId } }`,
            variables: { id: uploadId },
          },
          {
            next: (event) => {
              if (event.errors) return reject(new Error(JSON.stringify(event.errors)));
              events.push(event.data!.datasetVersionProgress);
              if (event.data!.datasetVersionProgress.status === 'READY') {
                stop();
                resolve();
              }
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      await client.dispose();
      assert.deepEqual(
        events.map((e) => e.status).filter((s, i, all) => all.indexOf(s) === i),
        ['UPLOADING', 'VALIDATING', 'READY'],
      );
      assert.equal(events.at(-1)!.versionId, done.versionId);
      assert.equal(events.at(-1)!.progress, 1);
    });

    test('identical content is stored once: the upload points at the existing version', async () => {
      const datasetId = await createDataset(h, alice);
      const first = await settled(
        h,
        alice,
        (await upload(h, alice, datasetId, [{ path: 'x.csv', data: CSV }])).data!['completeDatasetUpload'].id,
      );
      // declared sha256: recognised at completion, before any validation
      const declared = await upload(h, alice, datasetId, [{ path: 'x.csv', data: CSV }], { declareSha256: true });
      const answer = declared.data!['completeDatasetUpload'];
      assert.equal(answer.status, 'READY');
      assert.equal(answer.deduplicated, true);
      assert.equal(answer.versionId, first.versionId);
      // no sha256 declared: recognised by validation
      const undeclared = await settled(
        h,
        alice,
        (await upload(h, alice, datasetId, [{ path: 'x.csv', data: CSV }])).data!['completeDatasetUpload'].id,
      );
      assert.equal(undeclared.status, 'READY');
      assert.equal(undeclared.deduplicated, true);
      assert.equal(undeclared.versionId, first.versionId);
      const { dataset } = await h.ok(`query($id: ID!) { dataset(id: $id) { versionCount } }`, { id: datasetId }, alice);
      assert.equal(dataset.versionCount, 1);
      const stored = await h.keys(`datasets/${orgA}/${datasetId}/uploads/`);
      assert.equal(stored.length, 1, `one object kept, found ${stored.join(', ')}`);
    });

    test('a broken CSV gets a report with its line number and leaves no version and no objects', async () => {
      const datasetId = await createDataset(h, alice);
      const completed = await upload(h, alice, datasetId, [{ path: 'broken.csv', data: BROKEN_CSV }]);
      const done = await settled(h, alice, completed.data!['completeDatasetUpload'].id);
      assert.equal(done.status, 'INVALID');
      assert.equal(done.versionId, null);
      const issue = done.issues.find((i: { code: string }) => i.code === 'INCONSISTENT_COLUMNS');
      assert.ok(issue, JSON.stringify(done.issues));
      assert.equal(issue.line, 3);
      assert.equal(issue.file, 'broken.csv');
      const { dataset } = await h.ok(
        `query($id: ID!) { dataset(id: $id) { status versionCount versions { id } } }`,
        { id: datasetId },
        alice,
      );
      assert.deepEqual(dataset, { status: 'INVALID', versionCount: 0, versions: [] });
      assert.deepEqual(await h.keys(`datasets/${orgA}/${datasetId}/`), []);
    });

    test('bad uploads are refused before anything is sent: duplicates, traversal, empty and oversized files, quota', async () => {
      const datasetId = await createDataset(h, alice);
      const refused = async (files: Array<{ path: string; data: Buffer }>, size?: number) => {
        const answer = await h.call(
          `mutation($i: StartDatasetUploadInput!) { startDatasetUpload(input: $i) { id } }`,
          { i: { datasetId, files: files.map((f) => ({ path: f.path, size: size ?? f.data.length })) } },
          alice,
        );
        assert.ok(answer.errors?.length, 'refused');
        return answer.errors![0]!;
      };
      assert.equal(
        (
          await refused([
            { path: 'a.csv', data: CSV },
            { path: './a.csv', data: CSV },
          ])
        ).extensions?.['code'],
        'BAD_USER_INPUT',
      );
      assert.match((await refused([{ path: '../evil.csv', data: CSV }])).message, /inside the dataset/);
      assert.match((await refused([{ path: '/etc/passwd', data: CSV }])).message, /absolute/);
      assert.match((await refused([{ path: 'empty.csv', data: Buffer.alloc(0) }])).message, /empty/);
      assert.match((await refused([{ path: 'big.bin', data: CSV }], 65 * MiB)).message, /at most/);
      const quota = await refused(
        [
          { path: 'a.bin', data: CSV },
          { path: 'b.bin', data: CSV },
        ],
        60 * MiB,
      );
      assert.equal(quota.extensions?.['code'], 'QUOTA_EXCEEDED');
      assert.deepEqual(await h.keys(`datasets/${orgA}/${datasetId}/`), []);
    });

    test('an interrupted multipart upload resumes with the parts already sent and gives a byte-identical file', async () => {
      const datasetId = await createDataset(h, alice);
      // 12 MiB of text lines: three parts of 5 MiB
      const text = Buffer.from(
        randomBytes(6 * MiB)
          .toString('hex')
          .replace(/(.{99})/g, '$1\n'),
      );
      const started = (await startUpload(h, alice, datasetId, [{ path: 'blob.txt', data: text }])).data![
        'startDatasetUpload'
      ];
      const file = started.files[0];
      assert.equal(file.partCount, 3);
      await putPart(file.partUrls[0].url, text, file.partSize, 1);
      // the client goes away; later it asks what is there and for fresh URLs of the rest
      const early = await complete(h, alice, started.id);
      assert.equal(early.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
      assert.match(early.errors![0]!.message, /lacks parts 2, 3/);
      const { datasetUpload } = await h.ok(
        `query($id: ID!) { datasetUpload(id: $id) { files { uploadedParts { partNumber } partUrls(partNumbers: [2, 3]) { partNumber url } } } }`,
        { id: started.id },
        alice,
      );
      assert.deepEqual(
        datasetUpload.files[0].uploadedParts.map((p: { partNumber: number }) => p.partNumber),
        [1],
      );
      for (const part of datasetUpload.files[0].partUrls) await putPart(part.url, text, file.partSize, part.partNumber);
      const done = await settled(h, alice, (await complete(h, alice, started.id)).data!['completeDatasetUpload'].id);
      assert.equal(done.status, 'READY', JSON.stringify(done.issues));
      const { datasetVersion } = await h.ok(
        `query($id: ID!) { datasetVersion(id: $id) { format files { sha256 downloadUrl } } }`,
        { id: done.versionId },
        alice,
      );
      assert.equal(datasetVersion.format, 'TEXT');
      assert.equal(datasetVersion.files[0].sha256, sha256(text));
      const downloaded = Buffer.from(await (await fetch(datasetVersion.files[0].downloadUrl)).arrayBuffer());
      assert.equal(sha256(downloaded), sha256(text));
    });

    test('another organization sees none of it and cannot upload into it', async () => {
      const datasetId = await createDataset(h, alice);
      const done = await settled(
        h,
        alice,
        (await upload(h, alice, datasetId, [{ path: 'x.csv', data: CSV }])).data!['completeDatasetUpload'].id,
      );
      const seen = await h.ok(
        `query($d: ID!, $v: ID!) { dataset(id: $d) { id } datasetVersion(id: $v) { id } datasets { items { id } } }`,
        { d: datasetId, v: done.versionId },
        bob,
      );
      assert.deepEqual(seen, { dataset: null, datasetVersion: null, datasets: { items: [] } });
      const theirs = await h.call(`query($id: ID!) { datasetUpload(id: $id) { id } }`, { id: done.id }, bob);
      assert.equal(theirs.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
      const start = await startUpload(h, bob, datasetId, [{ path: 'y.csv', data: CSV }]);
      assert.equal(start.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    });

    test('an upload never completed is removed once it expires', async () => {
      const datasetId = await createDataset(h, alice);
      const started = (await startUpload(h, alice, datasetId, [{ path: 'late.csv', data: CSV }])).data![
        'startDatasetUpload'
      ];
      await putPart(started.files[0].partUrls[0].url, CSV, started.files[0].partSize, 1);
      await h.subgraph.db.query(
        `UPDATE datasets.upload_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [started.id],
      );
      await runSweep(h);
      const { datasetUpload } = await h.ok(
        `query($id: ID!) { datasetUpload(id: $id) { status } }`,
        { id: started.id },
        alice,
      );
      assert.equal(datasetUpload.status, 'EXPIRED');
      assert.deepEqual(await h.keys(`datasets/${orgA}/${datasetId}/`), []);
      const late = await complete(h, alice, started.id);
      assert.equal(late.errors?.[0]?.extensions?.['code'], 'CONFLICT');
    });

    test('a validation whose job was lost is queued again by the sweeper', async () => {
      const datasetId = await createDataset(h, alice);
      const started = (await startUpload(h, alice, datasetId, [{ path: 'lost.csv', data: CSV }])).data![
        'startDatasetUpload'
      ];
      const file = started.files[0];
      await putPart(file.partUrls[0].url, CSV, file.partSize, 1);
      // the state a completion leaves behind when the process stops before its job runs
      const [session] = (await h.subgraph.db.query(`SELECT files FROM datasets.upload_sessions WHERE id = $1`, [
        started.id,
      ])) as Array<{
        files: Array<{ key: string; multipartId: string }>;
      }>;
      const { key, multipartId } = session!.files[0]!;
      const parts = await h.resources.blob.listUploadedParts(key, multipartId);
      await h.resources.blob.completeMultipartUpload(key, multipartId, parts);
      await h.subgraph.db.query(
        `UPDATE datasets.upload_sessions SET status = 'VALIDATING', updated_at = now() - interval '1 hour' WHERE id = $1`,
        [started.id],
      );
      await runSweep(h);
      const done = await settled(h, alice, started.id);
      assert.equal(done.status, 'READY', JSON.stringify(done.issues));
    });

    test('deleted versions are restorable, then removed for good after retention unless something uses them', async () => {
      const datasetId = await createDataset(h, alice);
      const v1 = (
        await settled(
          h,
          alice,
          (await upload(h, alice, datasetId, [{ path: 'a.csv', data: CSV }])).data!['completeDatasetUpload'].id,
        )
      ).versionId;
      const other = Buffer.from('id,name,score\n9,zed,1.5\n');
      const v2 = (
        await settled(
          h,
          alice,
          (await upload(h, alice, datasetId, [{ path: 'a.csv', data: other }])).data!['completeDatasetUpload'].id,
        )
      ).versionId;
      await h.ok(`mutation($id: ID!) { deleteDatasetVersion(id: $id) { status } }`, { id: v1 }, alice);
      const restored = await h.ok(
        `mutation($id: ID!) { restoreDatasetVersion(id: $id) { status } }`,
        { id: v1 },
        alice,
      );
      assert.equal(restored['restoreDatasetVersion'].status, 'READY');
      // v2 is used by a training job; both are deleted; only v1 goes when retention ends
      await h.resources.queue.publishEvent('training.dataset-version.used', {
        orgId: orgA,
        versionId: v2,
        usedByType: 'TrainingJob',
        usedById: 'job-1',
      });
      for (const id of [v1, v2])
        await h.ok(`mutation($id: ID!) { deleteDatasetVersion(id: $id) { status } }`, { id }, alice);
      let usedBy: string[] = [];
      for (let i = 0; i < 100 && usedBy.length === 0; i++) {
        usedBy = (await h.ok(`query($id: ID!) { datasetVersion(id: $id) { usedBy } }`, { id: v2 }, alice))[
          'datasetVersion'
        ].usedBy;
        if (usedBy.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(usedBy, ['TrainingJob:job-1']);
      await new Promise((r) => setTimeout(r, 1100));
      const statuses = async () =>
        (await h.ok(
          `query($a: ID!, $b: ID!) { a: datasetVersion(id: $a) { status } b: datasetVersion(id: $b) { status } }`,
          { a: v1, b: v2 },
          alice,
        )) as Record<string, { status: string }>;
      // the sweeper of the running subgraph runs hourly here; trigger a pass through a fresh one
      await runSweep(h);
      const after = await statuses();
      assert.equal(after['a']!.status, 'PURGED');
      assert.equal(after['b']!.status, 'DELETED');
      const files = await h.ok(`query($id: ID!) { datasetVersion(id: $id) { files { path } } }`, { id: v1 }, alice);
      assert.deepEqual(files['datasetVersion'].files, []);
    });
  });
}

/** One sweep with the subgraph's own services. */
async function runSweep(h: DatasetsHarness): Promise<void> {
  const { createDatasetsServices } = await import('../src/services.js');
  const { DatasetSweeper } = await import('../src/workers/sweeper.js');
  const { datasetsSettingsSchema } = await import('../src/settings.js');
  const settings = datasetsSettingsSchema.parse({ DATASETS_RETENTION_SECONDS: '1' });
  const logger = (await import('@aitip/kit')).createLogger('sweep-test', 'silent');
  const { UrlSigner } = await import('@aitip/kit');
  const services = createDatasetsServices({
    db: h.subgraph.db,
    resources: h.resources,
    logger,
    settings,
    urlSigner: new UrlSigner('x'),
  });
  await new DatasetSweeper(
    h.subgraph.db,
    h.resources.blob,
    h.resources.queue,
    services.uploads,
    settings,
    logger,
  ).sweep();
}
