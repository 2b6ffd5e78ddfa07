import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { RunningPlatform } from '../src/platform.js';
import { createTestMember, graphql, startTestPlatform, type TestMember } from './support.js';

const CSV = Buffer.from('id,name,score\n1,ada,3.5\n2,bob,4\n');
const TEXT = Buffer.from('hello\nworld\n');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The entries of a tar stream: path → content. */
async function untar(body: ReadableStream<Uint8Array>): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      files.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  Readable.fromWeb(body as never).pipe(reader);
  await done;
  return files;
}

describe('subgraph HTTP APIs through the router: a dataset version as a streamed archive', () => {
  let platform: RunningPlatform;
  let base: string;
  let owner: TestMember;
  let stranger: TestMember;
  let versionId: string;
  let archiveUrl: string;

  const call = async (query: string, variables: Record<string, unknown>, who: TestMember) => {
    const { body } = await graphql(`${base}/graphql`, query, variables, who.headers);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  before(async () => {
    ({ platform } = await startTestPlatform());
    base = `http://127.0.0.1:${platform.router.port}`;
    const users = platform.subgraphs.find((s) => s.name === 'users')!;
    const query = (sql: string, params: unknown[]) => users.db.query(sql, params);
    const tokenSecret = platform.resources.keys.tokenSecret;
    owner = await createTestMember(query, tokenSecret, { slug: 'archive-a', name: 'Archive A' });
    stranger = await createTestMember(query, tokenSecret, { slug: 'archive-b', name: 'Archive B' });
    const { createDataset } = await call(`mutation { createDataset(input: { name: "two-files" }) { id } }`, {}, owner);
    const files = [
      { path: 'data/scores.csv', data: CSV },
      { path: 'notes.txt', data: TEXT },
    ];
    const { startDatasetUpload: upload } = await call(
      `mutation($i: StartDatasetUploadInput!) { startDatasetUpload(input: $i) {
         id files { path partUrls { partNumber url } } } }`,
      { i: { datasetId: createDataset.id, files: files.map((f) => ({ path: f.path, size: f.data.length })) } },
      owner,
    );
    for (const [i, file] of upload.files.entries()) {
      // local presigned URLs point at PUBLIC_URL (localhost:<port>); send them to this router
      const url = new URL(file.partUrls[0].url);
      const response = await fetch(`${base}${url.pathname}${url.search}`, { method: 'PUT', body: files[i]!.data });
      assert.equal(response.status, 200);
    }
    await call(
      `mutation($id: ID!) { completeDatasetUpload(input: { uploadId: $id }) { status } }`,
      { id: upload.id },
      owner,
    );
    for (let i = 0; i < 300; i++) {
      const { datasetUpload } = await call(
        `query($id: ID!) { datasetUpload(id: $id) { status versionId } }`,
        { id: upload.id },
        owner,
      );
      if (datasetUpload.status === 'READY') {
        versionId = datasetUpload.versionId;
        break;
      }
      assert.ok(['COMPLETING', 'VALIDATING'].includes(datasetUpload.status), datasetUpload.status);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(versionId, 'the upload became a version');
    const { datasetVersion } = await call(
      `query($id: ID!) { datasetVersion(id: $id) { archiveUrl } }`,
      { id: versionId },
      owner,
    );
    archiveUrl = datasetVersion.archiveUrl;
  });
  after(async () => platform?.stop());

  test('the signed archive link downloads every file of the version as one tar, without credentials', async () => {
    const url = new URL(archiveUrl);
    assert.equal(url.pathname, `/api/datasets/versions/${versionId}/archive`);
    const response = await fetch(`${base}${url.pathname}${url.search}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-tar');
    assert.match(response.headers.get('content-disposition') ?? '', /filename="two-files-v1\.tar"/);
    const files = await untar(response.body!);
    assert.deepEqual([...files.keys()].sort(), ['data/scores.csv', 'notes.txt']);
    assert.equal(sha256(files.get('data/scores.csv')!), sha256(CSV));
    assert.equal(sha256(files.get('notes.txt')!), sha256(TEXT));
  });

  test('the same path answers a member with their bearer token; the identity the router forwards decides', async () => {
    const path = `/api/datasets/versions/${versionId}/archive`;
    const mine = await fetch(`${base}${path}`, { headers: owner.headers });
    assert.equal(mine.status, 200);
    assert.equal((await untar(mine.body!)).size, 2);
    const anonymous = await fetch(`${base}${path}`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    const theirs = await fetch(`${base}${path}`, { headers: stranger.headers });
    assert.equal(theirs.status, 404, 'another organization does not learn that the version exists');
  });

  test('a tampered or foreign signature is refused', async () => {
    const url = new URL(archiveUrl);
    url.searchParams.set('org', stranger.orgId);
    const forged = await fetch(`${base}${url.pathname}${url.search}`);
    assert.equal(forged.status, 403);
    url.searchParams.set('org', owner.orgId);
    url.searchParams.set('expires', String(Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600));
    const extended = await fetch(`${base}${url.pathname}${url.search}`);
    assert.equal(extended.status, 403);
  });

  test('unknown APIs and methods answer 404 and 405 with a JSON error', async () => {
    assert.equal((await fetch(`${base}/api/nothing/here`)).status, 404);
    assert.equal((await fetch(`${base}/api/datasets/nothing`, { headers: owner.headers })).status, 404);
    const post = await fetch(`${base}/api/datasets/versions/${versionId}/archive`, {
      method: 'POST',
      headers: owner.headers,
    });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
  });
});
