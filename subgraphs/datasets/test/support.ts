import { createHash, randomUUID } from 'node:crypto';
import {
  createLogger,
  scopesForRole,
  signIdentity,
  startSubgraph,
  type Identity,
  type PlatformResources,
  type Role,
  type RunningSubgraph,
} from '@aitip/kit';
import {
  startTestResources,
  subgraphCaller,
  testS3,
  type GraphQLAnswer,
  type TestMode,
} from '@aitip/kit/dist/src/testing/index.js';
import { datasetsSubgraph } from '../src/subgraph.js';

export const S3 = testS3;

/** `real`: PostgreSQL, Redis, RabbitMQ and the S3 server; `embedded`: PGlite, in-process bus and queue, local files. */
export type Mode = TestMode;

export type { GraphQLAnswer };

export interface DatasetsHarness {
  mode: Mode;
  subgraph: RunningSubgraph;
  resources: PlatformResources;
  sign(identity: Identity): string;
  call(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<GraphQLAnswer>;
  ok(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Every object key in blob storage under `prefix`. */
  keys(prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the datasets subgraph on fresh storage; `env` sets its settings (DATASETS_*). */
export async function startDatasets(mode: Mode, env: Record<string, string> = {}): Promise<DatasetsHarness> {
  const logger = createLogger('datasets-test', (process.env['TEST_LOG_LEVEL'] as 'silent' | undefined) ?? 'silent');
  const test = await startTestResources(mode, 'datasets', logger);
  const { resources, internalSecret } = test;
  const subgraph = await startSubgraph(datasetsSubgraph, resources, {
    port: 0,
    internalSecret,
    logger,
    env: { DATASETS_WORK_DIR: test.dataDir, ...env },
  });
  const { call, ok } = subgraphCaller(subgraph.url, internalSecret);
  return {
    mode,
    subgraph,
    resources,
    sign: (identity) => signIdentity(identity, internalSecret),
    call,
    ok,
    keys: test.keys,
    async close() {
      await subgraph.close();
      await test.close();
    },
  };
}

/** A signed-in user acting in `orgId` with `role`, as the router forwards it. */
export function member(orgId: string, role: Role = 'member'): Identity {
  return {
    kind: 'user',
    userId: randomUUID(),
    sessionId: randomUUID(),
    orgId,
    roles: [role],
    scopes: [...scopesForRole(role)],
  };
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export const UPLOAD_FIELDS = `id status progress versionId deduplicated totalBytes
  files { path size partSize partCount uploadedParts { partNumber size } }
  issues { code file line entry message }`;

export interface UploadOptions {
  /** Declare each file's sha256 at completion. */
  declareSha256?: boolean;
  labelColumn?: string;
}

/** Creates a dataset in the caller's organization; returns its id. */
export async function createDataset(h: DatasetsHarness, who: Identity, name = `ds-${randomUUID().slice(0, 8)}`) {
  const data = await h.ok(
    `mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }`,
    { i: { name } },
    who,
  );
  return data['createDataset'].id as string;
}

/** Starts an upload of `files`; returns the session with the part URLs. */
export async function startUpload(
  h: DatasetsHarness,
  who: Identity,
  datasetId: string,
  files: Array<{ path: string; data: Buffer }>,
  options: UploadOptions = {},
) {
  const answer = await h.call(
    `mutation($i: StartDatasetUploadInput!) { startDatasetUpload(input: $i) {
       id status files { path size partSize partCount partUrls { partNumber url } } } }`,
    {
      i: {
        datasetId,
        files: files.map((f) => ({ path: f.path, size: f.data.length, contentType: 'application/octet-stream' })),
        ...(options.labelColumn ? { labelColumn: options.labelColumn } : {}),
      },
    },
    who,
  );
  return answer;
}

/** PUTs one part of a file to its presigned URL. */
export async function putPart(url: string, data: Buffer, partSize: number, partNumber: number): Promise<void> {
  const body = data.subarray((partNumber - 1) * partSize, Math.min(data.length, partNumber * partSize));
  const response = await fetch(url, { method: 'PUT', body });
  if (!response.ok) throw new Error(`part ${partNumber}: HTTP ${response.status} ${await response.text()}`);
}

/** Uploads `files` completely and completes the upload; returns the completion's session. */
export async function upload(
  h: DatasetsHarness,
  who: Identity,
  datasetId: string,
  files: Array<{ path: string; data: Buffer }>,
  options: UploadOptions = {},
) {
  const started = await startUpload(h, who, datasetId, files, options);
  if (started.errors?.length) throw new Error(`startDatasetUpload: ${JSON.stringify(started.errors)}`);
  const session = started.data!['startDatasetUpload'];
  for (const [i, file] of session.files.entries()) {
    for (const part of file.partUrls) await putPart(part.url, files[i]!.data, file.partSize, part.partNumber);
  }
  return complete(h, who, session.id, options.declareSha256 ? files : undefined);
}

export async function complete(
  h: DatasetsHarness,
  who: Identity,
  uploadId: string,
  withSha256?: Array<{ path: string; data: Buffer }>,
) {
  const answer = await h.call(
    `mutation($i: CompleteDatasetUploadInput!) { completeDatasetUpload(input: $i) { ${UPLOAD_FIELDS} } }`,
    {
      i: {
        uploadId,
        ...(withSha256 ? { files: withSha256.map((f) => ({ path: f.path, sha256: sha256(f.data) })) } : {}),
      },
    },
    who,
  );
  return answer;
}

/** Waits until the upload leaves VALIDATING; returns it. */
export async function settled(h: DatasetsHarness, who: Identity, uploadId: string) {
  for (let i = 0; i < 600; i++) {
    const data = await h.ok(`query($id: ID!) { datasetUpload(id: $id) { ${UPLOAD_FIELDS} } }`, { id: uploadId }, who);
    const upload = data['datasetUpload'];
    if (!['UPLOADING', 'COMPLETING', 'VALIDATING'].includes(upload.status)) return upload;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`upload ${uploadId} did not settle within 60 s`);
}
