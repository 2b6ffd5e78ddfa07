import { statfsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { progress, rotated, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses, readyMessage, type BenchChild } from '../harness/child-processes.js';
import { benchDirectory, builtEntry, platformEnv } from '../harness/paths.js';
import { machineNote, residentMemory } from '../harness/process-usage.js';
import { stampFile, writeCsvFile, writeRandomFile, CSV_COLUMNS } from './input-files.js';
import { graphql, startBenchPlatform, uploadThroughPlatform, type S3Settings } from './platform.js';
import type { ProfileMessage } from './profile-process.js';
import { openPlatformStorage, uploadRaw } from './raw-upload.js';
import { datasetsReport, type CsvUpload, type ProfileRun, type StoreResult } from './report.js';

const MiB = 1024 * 1024;
/** The warm-up upload of each path and store: a prefix of the binary file. */
const WARM_UP_BYTES = 32 * MiB;

/**
 * `npm run bench -- datasets`: a file uploaded through the platform's upload path against the same
 * bytes sent as a raw multipart upload to the same storage (the S3 server, then the local store),
 * and the profiling of a CSV of the same size: speed and peak memory.
 */
export const datasets: Benchmark = {
  name: 'datasets',
  description: 'dataset upload through the platform vs raw multipart PUT (S3, local), CSV profiling MB/s and RSS',
  async run(options: BenchmarkOptions) {
    const rounds = options.rounds ?? 3;
    const size = (options.sizeMib ?? 1024) * MiB;
    const loadBefore = loadavg()[0] ?? 0;
    builtEntry('router/dist/src/all-in-one.js');
    builtEntry('subgraphs/datasets/dist/src/profiling/index.js');
    const s3 = s3Settings();
    await checkS3(s3.endpoint);
    // two input files, an object or two in the local store, the validation's scratch copy
    checkFreeSpace(tmpdir(), 5 * size);
    const dir = benchDirectory('datasets');
    const children = new ChildProcesses(dir);
    try {
      const binary = join(dir, 'random.bin');
      const csv = join(dir, 'data.csv');
      progress(`writing ${size / MiB} MiB of random bytes`);
      await writeRandomFile(binary, size);
      progress(`writing a CSV of ${size / MiB} MiB`);
      const csvFile = await writeCsvFile(csv, size);

      const stores: StoreResult[] = [];
      for (const store of [
        { name: 's3', label: 'S3 server', s3 },
        { name: 'local', label: 'local store', s3: undefined },
      ]) {
        stores.push(await measureStore(children, dir, store, { binary, csv, size, csvBytes: csvFile.bytes, rounds }));
      }

      const profiles: ProfileRun[] = [];
      for (let round = 0; round < rounds; round++) {
        progress(`profiling round ${round + 1}/${rounds}`);
        profiles.push(await profileOnce(children, dir, csv, round));
      }
      process.stdout.write(
        datasetsReport({
          size,
          rounds,
          csv: { ...csvFile, columns: CSV_COLUMNS.length },
          stores,
          profiles,
          machine: machineNote(loadBefore),
        }) + '\n',
      );
    } finally {
      progress('stopping child processes');
      await children.stopAll();
    }
  },
};

interface Inputs {
  binary: string;
  csv: string;
  size: number;
  csvBytes: number;
  rounds: number;
}

/** Starts a platform on one store and runs the rounds: platform and raw path take turns. */
async function measureStore(
  children: ChildProcesses,
  dir: string,
  store: { name: string; label: string; s3: S3Settings | undefined },
  inputs: Inputs,
): Promise<StoreResult> {
  progress(`${store.name}: starting the platform`);
  const platform = await startBenchPlatform(children, dir, store.name, store.s3);
  const blob = openPlatformStorage(platform, store.s3);
  await blob.ensureReady();
  const result: StoreResult = { label: store.label, rounds: [], csv: undefined, platformPeakRss: 0 };
  let stamp = 0;
  try {
    progress(`${store.name}: warming up both paths`);
    const warm = Math.min(WARM_UP_BYTES, inputs.size);
    const warmUp = await uploadThroughPlatform(
      platform,
      inputs.binary,
      'warm-up.bin',
      warm,
      'application/octet-stream',
    );
    const partSize = warmUp.partSize;
    await uploadRaw(blob, inputs.binary, warm, partSize);

    for (let round = 0; round < inputs.rounds; round++) {
      const none = { start: 0, parts: 0, complete: 0 };
      const sample: StoreResult['rounds'][number] = {
        platformSeconds: 0,
        rawSeconds: 0,
        platformSteps: none,
        rawSteps: none,
        settleSeconds: 0,
        status: '',
      };
      for (const target of rotated(['platform', 'raw'] as const, round)) {
        progress(`${store.name}: round ${round + 1}/${inputs.rounds}, ${target} path`);
        await stampFile(inputs.binary, ++stamp);
        if (target === 'platform') {
          const upload = await uploadThroughPlatform(
            platform,
            inputs.binary,
            'random.bin',
            inputs.size,
            'application/octet-stream',
          );
          if (upload.partSize !== partSize) {
            throw new Error(`The platform cut parts of ${upload.partSize} bytes, the raw path ${partSize}.`);
          }
          sample.platformSeconds = upload.uploadSeconds;
          sample.platformSteps = upload.steps;
          sample.settleSeconds = upload.settleSeconds;
          sample.status = upload.status;
          sample.issue = upload.issue;
        } else {
          const raw = await uploadRaw(blob, inputs.binary, inputs.size, partSize);
          sample.rawSeconds = raw.seconds;
          sample.rawSteps = raw.steps;
        }
      }
      result.rounds.push(sample);
    }

    progress(`${store.name}: the CSV through the platform, until READY`);
    const csv = await uploadThroughPlatform(platform, inputs.csv, 'data.csv', inputs.csvBytes, 'text/csv');
    const version = csv.versionId
      ? await graphql<{ datasetVersion: { rowCount: number | null } }>(
          platform.url,
          'query ($id: ID!) { datasetVersion(id: $id) { rowCount } }',
          { id: csv.versionId },
          { authorization: `Bearer ${platform.apiKey}` },
        )
      : undefined;
    result.csv = { ...csv, rowCount: version?.datasetVersion.rowCount ?? undefined } satisfies CsvUpload;
    result.partSize = partSize;
    result.platformPeakRss = residentMemory(platform.child.pid).peak;
  } finally {
    // the bucket is this run's own; the local store goes with the run's directory
    if (store.s3)
      await blob.deletePrefix('').catch((err: unknown) => progress(`could not empty the bucket: ${String(err)}`));
    await children.stop(platform.child, 30_000);
  }
  return result;
}

/** Profiles the CSV in a fresh child process, so that its peak memory is this run's alone. */
async function profileOnce(children: ChildProcesses, dir: string, csv: string, round: number): Promise<ProfileRun> {
  const child: BenchChild = children.spawn({
    name: 'profiling process',
    command: process.execPath,
    args: [join(__dirname, 'profile-process.js'), csv, dir],
    env: platformEnv({}),
    logFile: join(dir, `profile-${round + 1}.log`),
    ipc: true,
  });
  const message = await readyMessage<ProfileMessage>(child, 60 * 60_000);
  await child.exited;
  if (message.type === 'failed') throw new Error(`Profiling failed: ${message.message}`);
  return message;
}

/** The S3 server's settings: S3_* variables or the test services' defaults, with a bucket of this run's own. */
function s3Settings(): S3Settings {
  return {
    endpoint: process.env['S3_ENDPOINT'] ?? 'http://127.0.0.1:8080',
    accessKey: process.env['S3_ACCESS_KEY'] ?? 'test:tester',
    secretKey: process.env['S3_SECRET_KEY'] ?? 'testing',
    region: process.env['S3_REGION'] ?? 'us-east-1',
    bucket: `aitip-bench-${Date.now().toString(36)}`,
  };
}

async function checkS3(endpoint: string): Promise<void> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new Error(
      `The S3 server at ${endpoint} does not answer (${(err as Error).message}). ` +
        'Start it with `npm run test:services`, or point S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY at another one.',
    );
  }
}

function checkFreeSpace(dir: string, needed: number): void {
  const stats = statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free < needed) {
    throw new Error(
      `${dir} has ${Math.floor(free / MiB)} MiB free; this run needs about ${Math.ceil(needed / MiB)} MiB. ` +
        'Free some space, set TMPDIR to a larger disk, or pass a smaller --size-mib.',
    );
  }
}
