import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  createLogger,
  IDENTITY_HEADER,
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
  subscribeToSubgraph,
  type GraphQLAnswer,
  type TestMode,
  type TestResources,
} from '@aitip/kit/dist/src/testing/index.js';
import { datasetsSubgraph } from '@aitip/subgraph-datasets';
import { experimentsSubgraph } from '@aitip/subgraph-experiments';
import { trainingSubgraph } from '../src/subgraph.js';

export type { GraphQLAnswer };

/** The repository's root folder (tests run from the compiled `dist/test`). */
export const repoRoot = join(__dirname, '../../../..');

/** The training subgraph with its worker, and the experiments and datasets subgraphs it calls, on fresh storage. */
export interface TrainingHarness {
  mode: TestMode;
  training: RunningSubgraph;
  experiments: RunningSubgraph;
  datasets: RunningSubgraph;
  resources: PlatformResources;
  test: TestResources;
  /** The settings the training subgraph was started with (to start another process like it). */
  env: Record<string, string>;
  /** GraphQL on the datasets subgraph. */
  datasetsCall(query: string, variables: Record<string, unknown>, identity: Identity): Promise<GraphQLAnswer>;
  call(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<GraphQLAnswer>;
  ok(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Calls an MLflow route of the experiments subgraph as `identity`; returns the parsed answer. */
  mlflow(path: string, identity: Identity, body?: unknown): Promise<{ status: number; json: any; text: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Subscribes to the training subgraph as `identity` and collects events until `done` says so. */
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    identity: Identity,
    done: (events: T[]) => boolean,
  ): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Starts the training subgraph with the experiments and datasets subgraphs it calls; `env` adds training
 * settings (TRAINING_*). `locateSubgraphs`: `setting` names those two in TRAINING_EXPERIMENTS_URL and
 * TRAINING_DATASETS_URL (distributed mode); `process` leaves them to be found among the subgraphs this
 * process serves (all-in-one mode).
 */
export async function startTraining(
  mode: TestMode,
  env: Record<string, string> = {},
  locateSubgraphs: 'setting' | 'process' = 'setting',
): Promise<TrainingHarness> {
  const logger = createLogger('training-test', (process.env['TEST_LOG_LEVEL'] as 'silent' | undefined) ?? 'silent');
  const test = await startTestResources(mode, 'training', logger);
  const { resources, internalSecret } = test;
  const experiments = await startSubgraph(experimentsSubgraph, resources, { port: 0, internalSecret, logger, env: {} });
  const datasets = await startSubgraph(datasetsSubgraph, resources, { port: 0, internalSecret, logger, env: {} });
  const trainingEnv: Record<string, string> = {
    AITIP_DATA_DIR: test.dataDir,
    AITIP_INTERNAL_SECRET: internalSecret,
    ...(locateSubgraphs === 'setting'
      ? {
          TRAINING_EXPERIMENTS_URL: experiments.url.replace(/\/graphql$/, ''),
          TRAINING_DATASETS_URL: datasets.url.replace(/\/graphql$/, ''),
        }
      : {}),
    TRAINING_LOCAL_CODE_PATHS: 'true',
    TRAINING_HEARTBEAT_SECONDS: '1',
    TRAINING_RETRY_BACKOFF_SECONDS: '1',
    ...env,
  };
  let training: RunningSubgraph;
  try {
    training = await startSubgraph(trainingSubgraph, resources, { port: 0, internalSecret, logger, env: trainingEnv });
  } catch (err) {
    await datasets.close();
    await experiments.close();
    await test.close();
    throw err;
  }
  const { call, ok } = subgraphCaller(training.url, internalSecret);
  const datasetsCaller = subgraphCaller(datasets.url, internalSecret);
  const experimentsBase = experiments.url.replace(/\/graphql$/, '');
  return {
    mode,
    training,
    experiments,
    datasets,
    resources,
    test,
    env: trainingEnv,
    datasetsCall: datasetsCaller.call,
    call,
    ok,
    async mlflow(path, identity, body) {
      const response = await fetch(`${experimentsBase}/rest/2.0${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(identity, internalSecret) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    },
    subscribe<T>(
      query: string,
      variables: Record<string, unknown>,
      identity: Identity,
      done: (events: T[]) => boolean,
    ): Promise<T[]> {
      return subscribeToSubgraph(training.url, internalSecret, query, variables, identity, done);
    },
    async close() {
      await training.close();
      await datasets.close();
      await experiments.close();
      await test.close();
    },
  };
}

/** A signed-in user acting in `orgId` with `role`, as the router forwards it. */
export function member(orgId: string = randomUUID(), role: Role = 'member'): Identity {
  return {
    kind: 'user',
    userId: randomUUID(),
    sessionId: randomUUID(),
    orgId,
    roles: [role],
    scopes: [...scopesForRole(role)],
  };
}

export const JOB_FIELDS = `id name status message hint runId experimentId attemptCount cancelRequested
  spec { backend command args codePath hyperparameters { name value } timeoutSeconds maxRetries }
  attempts { number status outcome exitCode message hint logLines workerId }`;

/** Submits a job; returns the GraphQL answer. */
export function submit(h: TrainingHarness, who: Identity, input: Record<string, unknown>): Promise<GraphQLAnswer> {
  return h.call(
    `mutation($input: TrainingJobInput!) { submitTrainingJob(input: $input) { ${JOB_FIELDS} } }`,
    { input },
    who,
  );
}

/** The job as GraphQL shows it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function job(h: TrainingHarness, who: Identity, id: string): Promise<Record<string, any>> {
  const data = await h.ok(`query($id: ID!) { trainingJob(id: $id) { ${JOB_FIELDS} } }`, { id }, who);
  return data['trainingJob'];
}

const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/** Follows jobEvents until the job reaches a final status; returns the statuses seen, in order. */
export async function statusesUntilEnd(h: TrainingHarness, who: Identity, id: string): Promise<string[]> {
  const events = await h.subscribe<{ status: string }>(
    `subscription($id: ID!) { jobEvents(jobId: $id) { status attempt message cursor } }`,
    { id },
    who,
    (seen) => FINAL.includes(seen.at(-1)!.status),
  );
  return events.map((e) => e.status);
}

/** Follows jobEvents until the job reaches `status`. */
export async function waitForStatus(h: TrainingHarness, who: Identity, id: string, status: string): Promise<void> {
  await h.subscribe<{ status: string }>(
    `subscription($id: ID!) { jobEvents(jobId: $id) { status } }`,
    { id },
    who,
    (seen) => seen.some((e) => e.status === status),
  );
}

/**
 * Uploads `files` as a new version of dataset `name` (created when missing) through the datasets
 * subgraph's upload API, and waits until the version is READY; returns the version number.
 */
export async function uploadDatasetVersion(
  h: TrainingHarness,
  who: Identity,
  name: string,
  files: Array<{ path: string; data: Buffer }>,
): Promise<number> {
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const answer = await h.datasetsCall(query, variables, who);
    if (answer.errors?.length) throw new Error(`datasets: ${JSON.stringify(answer.errors)}`);
    return answer.data!;
  };
  const found = await ask(`query($n: String!) { datasetByName(name: $n) { id } }`, { n: name });
  const datasetId =
    found['datasetByName']?.id ??
    (await ask(`mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }`, { i: { name } }))[
      'createDataset'
    ].id;
  const started = await ask(
    `mutation($i: StartDatasetUploadInput!) { startDatasetUpload(input: $i) {
       id files { partSize partUrls { partNumber url } } } }`,
    {
      i: {
        datasetId,
        files: files.map((f) => ({ path: f.path, size: f.data.length, contentType: 'text/csv' })),
      },
    },
  );
  const session = started['startDatasetUpload'];
  for (const [i, file] of (
    session.files as Array<{ partSize: number; partUrls: Array<{ partNumber: number; url: string }> }>
  ).entries()) {
    const data = files[i]!.data;
    for (const part of file.partUrls) {
      const body = data.subarray((part.partNumber - 1) * file.partSize, part.partNumber * file.partSize);
      const response = await fetch(part.url, { method: 'PUT', body });
      if (!response.ok) throw new Error(`upload part ${part.partNumber}: HTTP ${response.status}`);
    }
  }
  await ask(`mutation($i: CompleteDatasetUploadInput!) { completeDatasetUpload(input: $i) { id } }`, {
    i: { uploadId: session.id },
  });
  // validation runs in the datasets worker; the upload settles READY (with its version) or INVALID
  for (;;) {
    const upload = (
      await ask(`query($id: ID!) { datasetUpload(id: $id) { status versionId issues { message } } }`, {
        id: session.id,
      })
    )['datasetUpload'];
    if (upload.status === 'READY') {
      const version = await ask(`query($id: ID!) { datasetVersion(id: $id) { version } }`, { id: upload.versionId });
      return version['datasetVersion'].version as number;
    }
    if (!['UPLOADING', 'COMPLETING', 'VALIDATING'].includes(upload.status)) {
      throw new Error(`the upload ended ${upload.status}: ${JSON.stringify(upload.issues)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The first `count` (or more) lines of a job's log through jobLogs from `variables.from`, its batches
 * flattened; checks that each batch starts where the one before ended. `fields`: the line fields to ask for.
 */
export async function logLines<T extends { number: number }>(
  h: TrainingHarness,
  variables: { id: string; from?: number },
  identity: Identity,
  count: number,
  fields: string,
): Promise<T[]> {
  const batches = await h.subscribe<{ firstLine: number; lines: T[] }>(
    `subscription($id: ID!, $from: Int) { jobLogs(jobId: $id, fromLine: $from) { firstLine lines { ${fields} } } }`,
    variables,
    identity,
    (b) => b.reduce((n, x) => n + x.lines.length, 0) >= count,
  );
  for (const [i, b] of batches.entries()) {
    assert.equal(b.firstLine, b.lines[0]!.number);
    if (i > 0) assert.equal(b.firstLine, batches[i - 1]!.firstLine + batches[i - 1]!.lines.length);
  }
  return batches.flatMap((b) => b.lines);
}

/**
 * Starts another training process with its worker (fixtures/training-process.ts) on `h`'s storage and
 * settings, as a second machine would; resolves once it takes attempts.
 */
export async function startWorkerProcess(h: TrainingHarness): Promise<ChildProcess> {
  const target = h.resources.database as { url: string };
  const child = spawn(process.execPath, [join(__dirname, 'fixtures/training-process.js')], {
    env: {
      ...process.env,
      ...h.env,
      AITIP_DATA_DIR: join(h.test.dataDir, `worker-${Date.now()}`),
      TRAINING_WORKER: 'true',
      DATABASE_URL: target.url,
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      AMQP_URL: process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it was ready`)));
  });
  return child;
}
