import { authHeaders } from '../sse.js';
import type { ApiClient } from '../api-client.js';
import { ApiError, unreachableError } from '../errors.js';

/** A training job as the CLI shows it. */
export interface TrainingJob {
  id: string;
  name: string;
  status: string;
  message: string | null;
  hint: string | null;
  runId: string | null;
  experimentId: string | null;
  attemptCount: number;
  createdAt: string;
  spec: { backend: string; command: string[]; codeArchiveId: string | null; image: string | null };
  attempts: Array<{
    number: number;
    status: string;
    outcome: string | null;
    exitCode: number | null;
    message: string | null;
    hint: string | null;
    logLines: number;
    workerId: string | null;
  }>;
}

const JOB_FIELDS = `id name status message hint runId experimentId attemptCount createdAt
  spec { backend command codeArchiveId image }
  attempts { number status outcome exitCode message hint logLines workerId }`;

/** Statuses a job does not leave (short of a retry). */
export const FINAL_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/** Uploads a `.tar.gz` as a code archive; answers its id. */
export async function uploadCodeArchive(
  client: ApiClient,
  archive: Buffer,
): Promise<{ archiveId: string; sha256: string; size: number }> {
  // a query first renews an expiring session, so the upload's token is fresh
  await client.request('query { __typename }');
  const endpoint = new URL('/api/training/code-archives', client.url);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'PUT',
      headers: { 'content-type': 'application/gzip', ...authHeaders(client) },
      body: archive,
    });
  } catch (err) {
    throw unreachableError(client.url, err);
  }
  const body = (await response.json().catch(() => undefined)) as
    { archiveId?: string; sha256?: string; size?: number; error?: { code?: string; message?: string } } | undefined;
  if (!response.ok || !body?.archiveId) {
    throw new ApiError(
      `Uploading the code failed: ${body?.error?.message ?? `the router answered HTTP ${response.status}`}`,
      body?.error?.code,
      undefined,
    );
  }
  return body as { archiveId: string; sha256: string; size: number };
}

/** Submits a job (the GraphQL `TrainingJobInput`). */
export async function submitJob(client: ApiClient, input: Record<string, unknown>): Promise<TrainingJob> {
  const data = await client.request<{ submitTrainingJob: TrainingJob }>(
    `mutation SubmitTrainingJob($input: TrainingJobInput!) { submitTrainingJob(input: $input) { ${JOB_FIELDS} } }`,
    { input },
  );
  return data.submitTrainingJob;
}

/** The job; an ApiError when there is none. */
export async function getJob(client: ApiClient, id: string): Promise<TrainingJob> {
  const data = await client.request<{ trainingJob: TrainingJob | null }>(
    `query TrainingJob($id: ID!) { trainingJob(id: $id) { ${JOB_FIELDS} } }`,
    { id },
  );
  if (!data.trainingJob)
    throw new ApiError(`There is no training job ${id} in this organization.`, 'NOT_FOUND', undefined);
  return data.trainingJob;
}

/** Jobs newest first, `first` at most (1 to 200), optionally of one status. */
export async function listJobs(
  client: ApiClient,
  options: { status?: string; first: number },
): Promise<{ jobs: TrainingJob[]; hasNextPage: boolean }> {
  const data = await client.request<{ trainingJobs: { nodes: TrainingJob[]; hasNextPage: boolean } }>(
    `query TrainingJobs($status: TrainingJobStatus, $first: Int!) {
      trainingJobs(status: $status, first: $first) { nodes { ${JOB_FIELDS} } hasNextPage }
    }`,
    { status: options.status ?? null, first: options.first },
  );
  return { jobs: data.trainingJobs.nodes, hasNextPage: data.trainingJobs.hasNextPage };
}

/** Cancels the job (a running one stops after its grace period). */
export async function cancelJob(client: ApiClient, id: string): Promise<TrainingJob> {
  const data = await client.request<{ cancelTrainingJob: TrainingJob }>(
    `mutation CancelTrainingJob($id: ID!) { cancelTrainingJob(id: $id) { ${JOB_FIELDS} } }`,
    { id },
  );
  return data.cancelTrainingJob;
}

/** Runs an ended job again as a new attempt. */
export async function retryJob(client: ApiClient, id: string): Promise<TrainingJob> {
  const data = await client.request<{ retryTrainingJob: TrainingJob }>(
    `mutation RetryTrainingJob($id: ID!) { retryTrainingJob(id: $id) { ${JOB_FIELDS} } }`,
    { id },
  );
  return data.retryTrainingJob;
}
