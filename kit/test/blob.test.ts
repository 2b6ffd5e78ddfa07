import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'minio';
import { InputError, NotFoundError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { LocalBlobStore, createBlobStore, handleLocalBlobRequest, type BlobStore } from '../src/blob/index.js';

const MiB = 1024 * 1024;
const logger = createLogger('blob-test', 'error');
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

const s3 = {
  endpoint: process.env['S3_ENDPOINT'] ?? 'http://127.0.0.1:8080',
  accessKey: process.env['S3_ACCESS_KEY'] ?? 'test:tester',
  secretKey: process.env['S3_SECRET_KEY'] ?? 'testing',
  region: process.env['S3_REGION'] ?? 'us-east-1',
  bucket: `aitip-blob-test-${runId}`,
};

/** One store under test plus what only some tests need. */
interface Harness {
  store: BlobStore;
  prefix: string;
  local?: { store: LocalBlobStore; baseUrl: string; outsideDir: string };
}

describe('S3BlobStore against a real S3 server', () => {
  const harness = {} as Harness;
  let ready = false;
  before(async () => {
    harness.store = createBlobStore({
      s3,
      localDir: '/nonexistent',
      publicBaseUrl: 'http://unused.invalid',
      signingSecret: 'unused',
      logger,
    });
    harness.prefix = `run-${runId}/`;
    try {
      await harness.store.ensureReady();
      ready = true;
    } catch (err) {
      throw new Error(
        `the S3 server at ${s3.endpoint} is not usable (${String(err)}); start one with scripts/swift-s3.sh or set S3_ENDPOINT`,
        { cause: err },
      );
    }
  });
  after(async () => {
    if (!ready) return;
    await harness.store.deletePrefix('');
    const url = new URL(s3.endpoint);
    const client = new Client({
      endPoint: url.hostname,
      port: Number(url.port) || 80,
      useSSL: url.protocol === 'https:',
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: s3.region,
      pathStyle: true,
    });
    await client.removeBucket(s3.bucket);
  });
  blobStoreContract(() => harness);
});

describe('LocalBlobStore with its signed URLs served over HTTP', () => {
  const harness = {} as Harness;
  let server: http.Server;
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aitip-blob-'));
    server = http.createServer((req, res) => {
      handleLocalBlobRequest(harness.local!.store, req, res).then(
        (handled) => {
          if (!handled) res.writeHead(404).end('not a blob route\n');
        },
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const store = new LocalBlobStore({
      dir: path.join(tmp, 'store'),
      publicBaseUrl: baseUrl,
      signingSecret: randomBytes(32).toString('hex'),
      logger,
    });
    await store.ensureReady();
    const outsideDir = path.join(tmp, 'outside');
    await mkdir(outsideDir);
    Object.assign(harness, {
      store,
      prefix: `run-${runId}/`,
      local: { store, baseUrl, outsideDir },
    });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(tmp, { recursive: true, force: true });
  });
  blobStoreContract(() => harness);
  localOnlyTests(() => harness);
});

function blobStoreContract(get: () => Harness): void {
  it('puts, gets, stats, lists and deletes objects', async () => {
    const { store, prefix } = get();
    const p = `${prefix}crud/`;
    const put = await store.put(`${p}b.txt`, 'hello', { contentType: 'text/plain' });
    assert.deepEqual(put, { key: `${p}b.txt`, size: 5, etag: md5('hello') });
    await store.put(`${p}a/2.txt`, Buffer.from('two'));
    await store.put(`${p}a/1.txt`, Readable.from([Buffer.from('o'), Buffer.from('ne')]));
    await store.put(`${p}a-c.txt`, '');
    await store.put(`${p}c/d/e.txt`, 'deep', { size: 4 });

    const info = await store.stat(`${p}b.txt`);
    assert.ok(info);
    assert.equal(info.size, 5);
    assert.equal(info.etag, md5('hello'));
    assert.equal(info.contentType, 'text/plain');
    assert.ok(Math.abs(info.lastModified.getTime() - Date.now()) < 60_000);
    assert.equal((await store.stat(`${p}a/1.txt`))?.contentType, 'application/octet-stream');
    assert.equal(await store.stat(`${p}missing`), null);
    assert.equal(await store.stat(`${p}a`), null);

    assert.equal(await text(store.get(`${p}b.txt`)), 'hello');
    assert.equal(await text(store.get(`${p}a/1.txt`)), 'one');
    assert.equal(await text(store.get(`${p}a-c.txt`)), '');
    await assert.rejects(store.get(`${p}missing`), NotFoundError);

    // byte order: "-" (0x2d) sorts before "/" (0x2f)
    assert.deepEqual(await keys(store.list(p)), [
      `${p}a-c.txt`,
      `${p}a/1.txt`,
      `${p}a/2.txt`,
      `${p}b.txt`,
      `${p}c/d/e.txt`,
    ]);
    const sizes = (await collect(store.list(p))).map((i) => i.size);
    assert.deepEqual(sizes, [0, 3, 3, 5, 4]);
    assert.deepEqual(await keys(store.list(`${p}a`)), [`${p}a-c.txt`, `${p}a/1.txt`, `${p}a/2.txt`]);
    assert.deepEqual(await keys(store.list(`${p}a/`)), [`${p}a/1.txt`, `${p}a/2.txt`]);
    assert.deepEqual(await keys(store.list(p, { startAfter: `${p}a/2.txt` })), [`${p}b.txt`, `${p}c/d/e.txt`]);
    assert.deepEqual(await keys(store.list(`${p}zzz`)), []);

    await store.put(`${p}b.txt`, 'hello again');
    assert.equal(await text(store.get(`${p}b.txt`)), 'hello again');
    await assert.rejects(store.put(`${p}short`, 'abc', { size: 10 }), InputError);
    assert.equal(await store.stat(`${p}short`), null);

    await store.delete(`${p}b.txt`);
    assert.equal(await store.stat(`${p}b.txt`), null);
    await store.delete(`${p}b.txt`);
    await store.deletePrefix(`${p}a/`);
    assert.deepEqual(await keys(store.list(p)), [`${p}a-c.txt`, `${p}c/d/e.txt`]);
    await store.deletePrefix(p);
    assert.deepEqual(await keys(store.list(p)), []);
  });

  it('leaves nothing behind when the body fails half way', async () => {
    const { store, prefix, local } = get();
    const key = `${prefix}failed/upload.bin`;
    async function* brokenBody() {
      for (let i = 0; i < 20; i++) yield randomBytes(MiB);
      throw new Error('client went away');
    }
    await assert.rejects(store.put(key, Readable.from(brokenBody())), /client went away/);
    assert.equal(await store.stat(key), null);
    assert.deepEqual(await collect(store.listIncompleteUploads(prefix)), []);
    if (local) assert.deepEqual(await readdir(path.join(local.store.root, '.tmp')), []);
  });

  it('reads byte ranges', async () => {
    const { store, prefix } = get();
    const key = `${prefix}range/data.bin`;
    const data = randomBytes(1000);
    await store.put(key, data);
    assert.deepEqual(await bytes(store.get(key, { start: 10, end: 19 })), data.subarray(10, 20));
    assert.deepEqual(await bytes(store.get(key, { start: 990 })), data.subarray(990));
    assert.deepEqual(await bytes(store.get(key, { end: 9 })), data.subarray(0, 10));
    assert.deepEqual(await bytes(store.get(key, { start: 995, end: 5000 })), data.subarray(995));
    await assert.rejects(store.get(key, { start: 20, end: 10 }), InputError);
    await assert.rejects(store.get(key, { start: 5000 }), InputError);
    await store.delete(key);
  });

  it('serves presigned GET and PUT URLs to plain HTTP clients', async () => {
    const { store, prefix } = get();
    const key = `${prefix}presigned/config.json`;
    const putUrl = await store.presignPut(key, 60, { contentType: 'application/json' });
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: '{"learningRate":0.001}',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(put.status, 200, await put.text());
    assert.equal(put.headers.get('etag')?.replaceAll('"', ''), md5('{"learningRate":0.001}'));
    assert.equal((await store.stat(key))?.contentType, 'application/json');

    const getUrl = await store.presignGet(key, 60, { filename: 'résumé (final).json' });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), '{"learningRate":0.001}');
    const disposition = got.headers.get('content-disposition') ?? '';
    assert.match(disposition, /^attachment;/);
    assert.match(disposition, /filename\*=UTF-8''r%C3%A9sum%C3%A9%20%28final%29\.json/);

    const ranged = await fetch(await store.presignGet(key, 60), {
      headers: { Range: 'bytes=2-13' },
    });
    assert.equal(ranged.status, 206);
    assert.equal(await ranged.text(), 'learningRate');
    await store.delete(key);
  });

  it('assembles a multipart upload sent in parallel through presigned part URLs', async () => {
    const { store, prefix } = get();
    const key = `${prefix}multipart/model.safetensors`;
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB + 123)];
    const { uploadId } = await store.createMultipartUpload(key, {
      contentType: 'application/x-model',
    });
    const pending = await collect(store.listIncompleteUploads(`${prefix}multipart/`));
    assert.deepEqual(
      pending.map((u) => [u.key, u.uploadId]),
      [[key, uploadId]],
    );
    assert.ok(pending[0]!.initiated instanceof Date);

    const sendPart = async (partNumber: number) => {
      const url = await store.presignUploadPart(key, uploadId, partNumber, 300);
      const res = await fetch(url, { method: 'PUT', body: parts[partNumber - 1] });
      assert.equal(res.status, 200, await res.text());
      const etag = res.headers.get('etag');
      assert.ok(etag, 'a part upload answers with its ETag');
      return etag;
    };
    // a client sends parts 1 and 3, is interrupted, and asks what arrived before resuming
    const [etag1, etag3] = await Promise.all([sendPart(1), sendPart(3)]);
    const uploaded = await store.listUploadedParts(key, uploadId);
    assert.deepEqual(uploaded, [
      { partNumber: 1, etag: md5(parts[0]!), size: 5 * MiB },
      { partNumber: 3, etag: md5(parts[2]!), size: MiB + 123 },
    ]);
    const etag2 = await sendPart(2);

    const done = await store.completeMultipartUpload(key, uploadId, [
      { partNumber: 1, etag: etag1 },
      { partNumber: 2, etag: etag2 },
      { partNumber: 3, etag: etag3 },
    ]);
    const whole = Buffer.concat(parts);
    assert.equal(done.key, key);
    assert.equal(done.size, whole.length);
    assert.match(done.etag, /^[0-9a-f]{32}-3$/);
    assert.equal(sha256(await bytes(store.get(key))), sha256(whole));
    const info = await store.stat(key);
    assert.equal(info?.size, whole.length);
    assert.equal(info?.contentType, 'application/x-model');
    assert.deepEqual(await collect(store.listIncompleteUploads(`${prefix}multipart/`)), []);
    await store.delete(key);
  });

  it('aborts multipart uploads and refuses parts that do not match', async () => {
    const { store, prefix } = get();
    const key = `${prefix}abort/data.bin`;
    const { uploadId } = await store.createMultipartUpload(key);
    const part = randomBytes(1024);
    const res = await fetch(await store.presignUploadPart(key, uploadId, 1, 60), {
      method: 'PUT',
      body: part,
    });
    assert.equal(res.status, 200);
    await assert.rejects(
      store.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag: md5('other') }]),
      InputError,
    );
    await assert.rejects(
      store.completeMultipartUpload(key, uploadId, [
        { partNumber: 2, etag: md5(part) },
        { partNumber: 1, etag: md5(part) },
      ]),
      InputError,
    );

    await store.abortMultipartUpload(key, uploadId);
    assert.deepEqual(await collect(store.listIncompleteUploads(`${prefix}abort/`)), []);
    await assert.rejects(store.listUploadedParts(key, uploadId), NotFoundError);
    await store.abortMultipartUpload(key, uploadId);
    assert.equal(await store.stat(key), null);

    // deletePrefix also clears uploads abandoned under the prefix
    await store.createMultipartUpload(`${prefix}abort/abandoned.bin`);
    await store.deletePrefix(`${prefix}abort/`);
    assert.deepEqual(await collect(store.listIncompleteUploads(`${prefix}abort/`)), []);
  });

  it('refuses keys that could escape the store', async () => {
    const { store, prefix } = get();
    const bad = ['../escape', `${prefix}../../escape`, '/etc/passwd', 'a\0b', '', 'a//b', 'a/', './a'];
    for (const key of bad) {
      await assert.rejects(store.put(key, 'x'), InputError, JSON.stringify(key));
      await assert.rejects(store.get(key), InputError);
      await assert.rejects(store.stat(key), InputError);
      await assert.rejects(store.delete(key), InputError);
      await assert.rejects(store.presignGet(key, 60), InputError);
      await assert.rejects(store.presignPut(key, 60), InputError);
      await assert.rejects(store.createMultipartUpload(key), InputError);
    }
    await assert.rejects(collect(store.list('../')), InputError);
    await assert.rejects(store.deletePrefix('a/../'), InputError);
  });

  it('streams 1 GiB through put and get without holding it in memory', { timeout: 180_000 }, async (t) => {
    const { store, prefix } = get();
    const key = `${prefix}large/1gib.bin`;
    const size = 1024 * MiB;
    const memory = watchMemory();
    try {
      const source = generatedStream(size);
      const put = await store.put(key, source.stream);
      assert.equal(put.size, size);
      const download = createHash('sha256');
      let received = 0;
      for await (const chunk of await store.get(key)) {
        download.update(chunk as Buffer);
        received += (chunk as Buffer).length;
      }
      assert.equal(received, size);
      assert.equal(download.digest('hex'), source.sha256());
    } finally {
      memory.stop();
      await store.delete(key);
    }
    const grown = memory.peakGrowth();
    t.diagnostic(`RSS grew by at most ${Math.round(grown / MiB)} MiB`);
    assert.ok(grown < 256 * MiB, `memory grew by ${Math.round(grown / MiB)} MiB while streaming 1 GiB`);
  });
}

function localOnlyTests(get: () => Harness): void {
  it('refuses expired, tampered and unsigned URLs with 403', async () => {
    const { prefix, local } = get();
    const store = local!.store;
    const key = `${prefix}signed/secret.txt`;
    const other = `${prefix}signed/other.txt`;
    await store.put(key, 'secret');
    await store.put(other, 'other');
    const url = new URL(await store.presignGet(key, 60));
    assert.equal((await fetch(url)).status, 200);

    const expired = await fetch(store.signer.sign('GET', key, -5));
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /expired at .*ask the API for a new one/);

    const refused = async (target: URL | string, init?: RequestInit) => {
      const res = await fetch(target, init);
      assert.equal(res.status, 403, `${String(target)} should be refused`);
      const body = await res.text();
      assert.doesNotMatch(body, /secret$|other$/m);
      return body;
    };
    const laterExpiry = new URL(url);
    laterExpiry.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    assert.match(await refused(laterExpiry), /signature does not match/);
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('secret.txt', 'other.txt');
    await refused(otherKey);
    const flipped = new URL(url);
    const signature = url.searchParams.get('signature')!;
    flipped.searchParams.set('signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
    await refused(flipped);
    const unsigned = new URL(url);
    unsigned.search = '';
    assert.match(await refused(unsigned), /not signed/);
    // a download link is not an upload link, nor the other way round
    await refused(url, { method: 'PUT', body: 'overwritten' });
    await refused(await store.presignPut(key, 60));
    assert.equal(await text(store.get(key)), 'secret');
    await store.deletePrefix(`${prefix}signed/`);
  });

  it('never serves or writes a path outside its directory over HTTP', async () => {
    const { prefix, local } = get();
    const { store, baseUrl, outsideDir } = local!;
    await writeFile(path.join(outsideDir, 'secret.txt'), 'TOP SECRET');
    const escapes = [
      '/blob/..%2F..%2Foutside%2Fsecret.txt',
      '/blob/%2e%2e/%2e%2e/outside/secret.txt',
      '/blob/../../outside/secret.txt',
      `/blob/${encodeURIComponent(prefix)}..%2F..%2F..%2Foutside%2Fsecret.txt`,
      '/blob/%2Ftmp%2Fsecret.txt',
      '/blob/a%00b',
    ];
    const query = new URL(await store.presignGet(`${prefix}x`, 60)).search;
    for (const target of escapes) {
      for (const method of ['GET', 'PUT']) {
        const res = await rawRequest(baseUrl, method, target + query, method === 'PUT' ? 'pwned' : undefined);
        assert.notEqual(res.status, 200, `${method} ${target}`);
        assert.doesNotMatch(res.body, /TOP SECRET/);
      }
    }
    // even a URL signed for a traversing key (the signer itself does not check keys) is refused
    const signedEscape = new URL(store.signer.sign('PUT', '../outside/written.txt', 60));
    const res = await rawRequest(baseUrl, 'PUT', `/blob/..%2Foutside%2Fwritten.txt${signedEscape.search}`, 'pwned');
    assert.equal(res.status, 400);
    assert.equal(existsSync(path.join(outsideDir, 'written.txt')), false);
    assert.equal(existsSync(path.join(store.root, '..', 'outside', 'written.txt')), false);
  });

  it('answers 404 for missing objects and 416 for ranges past the end', async () => {
    const { prefix, local } = get();
    const store = local!.store;
    const key = `${prefix}http/small.txt`;
    assert.equal((await fetch(await store.presignGet(key, 60))).status, 404);
    await store.put(key, '0123456789');
    const url = await store.presignGet(key, 60);
    const past = await fetch(url, { headers: { Range: 'bytes=20-30' } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), 'bytes */10');
    const suffix = await fetch(url, { headers: { Range: 'bytes=-3' } });
    assert.equal(suffix.status, 206);
    assert.equal(await suffix.text(), '789');
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), '10');
    await store.delete(key);
  });
}

/** A deterministic-looking but incompressible stream made on the fly, hashed as it is produced. */
function generatedStream(size: number): { stream: Readable; sha256: () => string } {
  const chunkSize = MiB;
  const template = randomBytes(chunkSize);
  const hash = createHash('sha256');
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, size - produced));
      template.copy(chunk, 0, 0, chunk.length);
      chunk.writeUInt32BE(produced / chunkSize, 0);
      produced += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

function watchMemory(): { stop: () => void; peakGrowth: () => number } {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop: () => {
      peak = Math.max(peak, process.memoryUsage.rss());
      clearInterval(timer);
    },
    peakGrowth: () => peak - baseline,
  };
}

async function rawRequest(
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  // node's http client sends the path as written, unlike fetch, which normalizes "..".
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: pathAndQuery }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function keys(items: AsyncIterable<{ key: string }>): Promise<string[]> {
  return (await collect(items)).map((i) => i.key);
}

async function bytes(stream: Promise<Readable>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function text(stream: Promise<Readable>): Promise<string> {
  return (await bytes(stream)).toString('utf8');
}

function md5(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
