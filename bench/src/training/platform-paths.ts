import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { graphql, type BenchPlatform } from '../datasets/platform.js';
import { DelayRecorder, type LogPathResult } from './lines.js';
import { PRINTER } from './references.js';

const SUBMIT = `mutation ($input: TrainingJobInput!) { submitTrainingJob(input: $input) { id status } }`;
const JOB = `query ($id: ID!) { trainingJob(id: $id) { status message attempts { logLines } } }`;
const LOGS = `subscription ($id: ID!) { jobLogs(jobId: $id, fromLine: 0) { firstLine lines { text } } }`;
const EVENTS = `subscription ($id: ID!) { jobEvents(jobId: $id) { status at } }`;

const auth = (platform: BenchPlatform) => ({ authorization: `Bearer ${platform.apiKey}` });

/** Submits a job through the router; answers its id. */
export async function submitJob(platform: BenchPlatform, input: Record<string, unknown>): Promise<string> {
  const data = await graphql<{ submitTrainingJob: { id: string } }>(platform.url, SUBMIT, { input }, auth(platform));
  return data.submitTrainingJob.id;
}

/** A graphql-ws client of the router, authenticated with the platform's API key. */
function wsClient(platform: BenchPlatform) {
  return createClient({
    url: `${platform.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: auth(platform),
    retryAttempts: 0,
  });
}

/** Follows a subscription until `onData` answers true; rejects on an error or after `timeoutMs`. */
function follow<T>(
  platform: BenchPlatform,
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => boolean,
  timeoutMs: number,
): Promise<void> {
  const client = wsClient(platform);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no end after ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      stop();
      void client.dispose();
      if (err) reject(err);
      else resolve();
    };
    const stop = client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (event) => {
          if (event.errors) return finish(new Error(JSON.stringify(event.errors)));
          if (onData(Object.values(event.data!)[0]!)) finish();
        },
        error: (err) => finish(err instanceof Error ? err : new Error(JSON.stringify(err))),
        complete: () => finish(new Error('the subscription ended early')),
      },
    );
  });
}

/**
 * The platform path: a local-backend job runs the printer; its lines travel executor → worker →
 * the job's live stream → the training subgraph → the router → a graphql-ws subscriber (jobLogs from
 * line 0, subscribed right after submission). Lines/s from submission to the last line received;
 * the job must end SUCCEEDED with every line persisted in its archived log.
 */
export async function platformLogs(platform: BenchPlatform, lines: number, name: string): Promise<LogPathResult> {
  const recorder = new DelayRecorder(lines);
  const started = Date.now();
  const id = await submitJob(platform, {
    name,
    backend: 'local',
    command: [process.execPath, PRINTER, String(lines)],
    timeoutSeconds: 600,
  });
  await follow<{ lines: Array<{ text: string }> }>(
    platform,
    LOGS,
    { id },
    (batch) => {
      const now = Date.now();
      let done = false;
      for (const line of batch.lines) done = recorder.record(line.text, now);
      return done;
    },
    600_000,
  );
  const result = recorder.result(started);
  // persisted: the attempt's archived log holds every line once the job has ended
  for (;;) {
    const { trainingJob } = await graphql<{
      trainingJob: { status: string; message: string | null; attempts: Array<{ logLines: number }> };
    }>(platform.url, JOB, { id }, auth(platform));
    if (['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(trainingJob.status)) {
      if (trainingJob.status !== 'SUCCEEDED' || trainingJob.attempts[0]?.logLines !== lines) {
        throw new Error(
          `the log job ended ${trainingJob.status} (${trainingJob.message}) with ${trainingJob.attempts[0]?.logLines} lines logged`,
        );
      }
      return result;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Start latency: from sending submitTrainingJob until the job's RUNNING event (its `at`, stamped by
 * the worker once the executor has started the attempt), milliseconds; same machine clock.
 */
export async function submitToRunning(platform: BenchPlatform, input: Record<string, unknown>): Promise<number> {
  const sent = Date.now();
  const id = await submitJob(platform, input);
  let runningAt = 0;
  let ended = '';
  await follow<{ status: string; at: string }>(
    platform,
    EVENTS,
    { id },
    (event) => {
      if (event.status === 'RUNNING') runningAt = Date.parse(event.at);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(event.status)) ended = event.status;
      return ended !== '';
    },
    120_000,
  );
  if (ended !== 'SUCCEEDED' || runningAt === 0) throw new Error(`the start-latency job ended ${ended}`);
  return runningAt - sent;
}
