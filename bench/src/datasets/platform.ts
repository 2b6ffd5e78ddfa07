import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from '../harness/benchmark.js';
import { waitUntil, type BenchChild, type ChildProcesses } from '../harness/child-processes.js';
import { builtEntry, platformEnv } from '../harness/paths.js';
import { freePort } from '../harness/ports.js';
import { putParts } from './part-uploads.js';

/** The S3 server the platform and the raw path both write to (Swift with s3api in the test services). */
export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
}

/** An all-in-one platform the benchmark started, with an API key of its organization. */
export interface BenchPlatform {
  child: BenchChild;
  url: string;
  dataDir: string;
  /** Signs identities and local blob URLs; the benchmark sets it so that its own blob store can sign too. */
  internalSecret: string;
  apiKey: string;
}

/** What else a benchmark may ask of the platform it starts. */
export interface BenchPlatformOptions {
  /** The API key's scopes (default: the datasets scopes). */
  scopes?: string[];
  /** A PostgreSQL database instead of the embedded one. */
  databaseUrl?: string;
  /** More settings of the platform. */
  env?: Record<string, string>;
}

/**
 * Starts `node router/dist/src/all-in-one.js` on the embedded database (or `options.databaseUrl`),
 * queue and bus, with its blobs on `s3` or, without it, in its data directory; then signs up the
 * first user with the setup token, creates an organization and an API key with `options.scopes`.
 */
export async function startBenchPlatform(
  children: ChildProcesses,
  dir: string,
  name: string,
  s3: S3Settings | undefined,
  options: BenchPlatformOptions = {},
): Promise<BenchPlatform> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(dir, `${name}-data`);
  const workDir = join(dir, `${name}-validation`);
  mkdirSync(workDir, { recursive: true });
  const internalSecret = randomBytes(32).toString('hex');
  const child = children.spawn({
    name: `all-in-one (${name})`,
    command: process.execPath,
    // BENCH_PLATFORM_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the platform process
    args: [
      ...(process.env['BENCH_PLATFORM_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
      builtEntry('router/dist/src/all-in-one.js'),
    ],
    env: platformEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      AITIP_DATA_DIR: dataDir,
      AITIP_INTERNAL_SECRET: internalSecret,
      LOG_LEVEL: 'warn',
      LOG_REQUESTS: 'false',
      // the validation job's scratch copy goes next to the other files of this run
      DATASETS_WORK_DIR: workDir,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
      ...(s3
        ? {
            S3_ENDPOINT: s3.endpoint,
            S3_ACCESS_KEY: s3.accessKey,
            S3_SECRET_KEY: s3.secretKey,
            S3_REGION: s3.region,
            S3_BUCKET: s3.bucket,
          }
        : {}),
    }),
    logFile: join(dir, `${name}.log`),
  });
  await waitUntil(child, async () => (await fetch(`${url}/readyz`)).status === 200, 180_000, 200);
  const apiKey = await createApiKey(
    url,
    readFileSync(join(dataDir, 'setup-token'), 'utf8').trim(),
    options.scopes ?? ['datasets:read', 'datasets:write'],
  );
  return { child, url, dataDir, internalSecret, apiKey };
}

/** Signs up the first user with the setup token, creates an organization and an API key with `scopes`. */
export async function createApiKey(url: string, setupToken: string, scopes: string[]): Promise<string> {
  const signUp = await graphql<{ signUp: { accessToken: string } }>(
    url,
    `
      mutation ($input: SignUpInput!) {
        signUp(input: $input) {
          accessToken
        }
      }
    `,
    { input: { email: 'bench@example.com', password: 'bench-password-1234', displayName: 'Bench', setupToken } },
  );
  const user = { authorization: `Bearer ${signUp.signUp.accessToken}` };
  await graphql(
    url,
    'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
    { input: { name: 'Bench Organization', slug: 'bench' } },
    user,
  );
  const created = await graphql<{ createApiKey: { secret: string } }>(
    url,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { name: 'bench', scopes } },
    { ...user, 'x-aitip-org': 'bench' },
  );
  return created.createApiKey.secret;
}

/** One GraphQL call through the router; fails with the answer when it holds errors. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T; errors?: unknown[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(
      `The router answered HTTP ${response.status} with something other than JSON: ${text.slice(0, 300)}`,
    );
  }
  if (!response.ok || !body.data || body.errors?.length) {
    throw new Error(`GraphQL call failed (HTTP ${response.status}): ${text.slice(0, 800)}`);
  }
  return body.data;
}

/** Seconds of the steps of one upload, on either path. */
export interface UploadSteps {
  start: number;
  parts: number;
  complete: number;
}

/** The steps between four `performance.now()` readings. */
export const stepsOf = (started: number, putStarted: number, putDone: number, done: number): UploadSteps => ({
  start: (putStarted - started) / 1000,
  parts: (putDone - putStarted) / 1000,
  complete: (done - putDone) / 1000,
});

/** What one upload through the platform took. */
export interface PlatformUpload {
  uploadId: string;
  partSize: number;
  /** From the start mutation to the completion's answer. */
  uploadSeconds: number;
  /** The three steps of it: start (until the part URLs are known), the part PUTs, completion. */
  steps: UploadSteps;
  /** From the completion's answer until the upload left VALIDATING. */
  settleSeconds: number;
  status: string;
  /** The first issue of an invalid upload. */
  issue?: string;
  versionId?: string;
}

const SETTLE_POLL_MS = 200;
const SETTLE_TIMEOUT_MS = 30 * 60_000;

/**
 * Uploads the first `size` bytes of `file` as a new version of a new dataset, as a client of the
 * public API does: startDatasetUpload, PUT every part to its presigned URL, completeDatasetUpload
 * (without sha256, so nothing is recognised as a duplicate), then polls until it settles.
 */
export async function uploadThroughPlatform(
  platform: BenchPlatform,
  file: string,
  path: string,
  size: number,
  contentType: string,
): Promise<PlatformUpload> {
  const auth = { authorization: `Bearer ${platform.apiKey}` };
  const call = <T>(query: string, variables: Record<string, unknown>) =>
    graphql<T>(platform.url, query, variables, auth);
  const dataset = await call<{ createDataset: { id: string } }>(
    'mutation ($i: CreateDatasetInput!) { createDataset(input: $i) { id } }',
    { i: { name: `bench-${randomUUID().slice(0, 8)}` } },
  );

  const started = performance.now();
  const start = await call<{
    startDatasetUpload: {
      id: string;
      files: Array<{ partSize: number; partUrls: Array<{ partNumber: number; url: string }> }>;
    };
  }>(
    `mutation ($i: StartDatasetUploadInput!) {
       startDatasetUpload(input: $i) { id files { partSize partUrls { partNumber url } } } }`,
    { i: { datasetId: dataset.createDataset.id, files: [{ path, size, contentType }] } },
  );
  const session = start.startDatasetUpload;
  const { partSize, partUrls } = session.files[0]!;
  const putStarted = performance.now();
  await putParts(file, size, partSize, partUrls);
  const putDone = performance.now();
  const completed = await call<{ completeDatasetUpload: { status: string } }>(
    'mutation ($i: CompleteDatasetUploadInput!) { completeDatasetUpload(input: $i) { status } }',
    { i: { uploadId: session.id } },
  );
  const uploaded = performance.now();

  let upload: {
    status: string;
    progress?: number;
    versionId?: string | null;
    issues?: Array<{ message: string }> | null;
  } = { status: completed.completeDatasetUpload.status };
  const deadline = uploaded + SETTLE_TIMEOUT_MS;
  let reported = uploaded;
  while (['UPLOADING', 'COMPLETING', 'VALIDATING'].includes(upload.status)) {
    const now = performance.now();
    if (now > deadline) {
      throw new Error(
        `Upload ${session.id} was still ${upload.status} ${SETTLE_TIMEOUT_MS / 60_000} min after completion; see the platform's log.`,
      );
    }
    if (now - reported > 15_000) {
      reported = now;
      progress(`upload ${session.id}: ${upload.status} ${Math.round((upload.progress ?? 0) * 100)} %`);
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const answer = await call<{ datasetUpload: typeof upload }>(
      'query ($id: ID!) { datasetUpload(id: $id) { status progress versionId issues { message } } }',
      { id: session.id },
    );
    upload = answer.datasetUpload;
  }
  return {
    uploadId: session.id,
    partSize,
    uploadSeconds: (uploaded - started) / 1000,
    steps: stepsOf(started, putStarted, putDone, uploaded),
    settleSeconds: (performance.now() - uploaded) / 1000,
    status: upload.status,
    ...(upload.issues?.[0] ? { issue: upload.issues[0].message } : {}),
    ...(upload.versionId ? { versionId: upload.versionId } : {}),
  };
}
