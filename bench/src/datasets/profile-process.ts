import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { builtEntry } from '../harness/paths.js';
import { residentMemory } from '../harness/process-usage.js';

/** What the profiling child reports to the benchmark over IPC. */
export type ProfileMessage =
  | {
      type: 'profiled';
      ok: boolean;
      seconds: number;
      bytes: number;
      rowCount?: number;
      columns?: number;
      /**
       * Seconds until the reported progress first reached 0.5 and 0.95: for a CSV the ends of the
       * first pass (counts, min/max, rejects) and of the second (histograms, top values).
       */
      milestones: [number | null, number | null];
      /** The first problem when the file was found invalid. */
      issue?: string;
      /** VmRSS once the profiling module was loaded, before the file was read. */
      rssBefore: number;
      /** VmHWM at the end: the peak over the whole process, DuckDB included. */
      peakRss: number;
    }
  | { type: 'failed'; message: string };

// the shapes this process uses of the datasets subgraph's build (the bench does not depend on it)
interface ProfilingModule {
  defaultProfileLimits: Record<string, unknown>;
  profileFile(
    path: string,
    displayPath: string,
    limits: Record<string, unknown>,
    options: { onProgress?: (fraction: number) => void },
  ): Promise<
    { ok: true; profile: { rowCount: number; columns: unknown[] } } | { ok: false; issues: Array<{ message: string }> }
  >;
}
interface SettingsModule {
  datasetsSettingsSchema: { parse(env: Record<string, string>): Record<string, number | string | undefined> };
}

const load = async <T>(relativePath: string) => (await import(pathToFileURL(builtEntry(relativePath)).href)) as T;

/**
 * `node profile-process.js <csv> <tempDir>`: profiles one file the way the validation job does
 * (`profileFile` with the limits it builds from the datasets subgraph's default settings) and
 * reports the wall time and this process's peak resident memory.
 */
async function main(): Promise<ProfileMessage> {
  const [file, tempDir] = process.argv.slice(2);
  if (!file || !tempDir) throw new Error('Usage: node profile-process.js <file> <tempDir>');
  const profiling = await load<ProfilingModule>('subgraphs/datasets/dist/src/profiling/index.js');
  const { datasetsSettingsSchema } = await load<SettingsModule>('subgraphs/datasets/dist/src/settings.js');
  const s = datasetsSettingsSchema.parse({});
  // the same limits as ValidationWorker.limits() with every DATASETS_* setting at its default
  const limits = {
    ...profiling.defaultProfileLimits,
    maxFileBytes: s['DATASETS_MAX_FILE_BYTES'],
    maxArchiveEntries: s['DATASETS_MAX_ARCHIVE_ENTRIES'],
    maxArchiveBytes: s['DATASETS_MAX_ARCHIVE_BYTES'],
    maxCompressionRatio: s['DATASETS_MAX_COMPRESSION_RATIO'],
    memoryLimitBytes: s['DATASETS_PROFILE_MEMORY_BYTES'],
    threads: s['DATASETS_PROFILE_THREADS'],
    exactDistributionBytes: s['DATASETS_PROFILE_EXACT_BYTES'],
    distributionSampleBytes: s['DATASETS_PROFILE_SAMPLE_BYTES'],
    maxIssues: 100,
    tempDir,
  };
  const rssBefore = residentMemory(process.pid).rss;
  const started = performance.now();
  const milestones: [number | null, number | null] = [null, null];
  const outcome = await profiling.profileFile(file, 'data.csv', limits, {
    onProgress: (fraction) => {
      const at = (performance.now() - started) / 1000;
      if (fraction >= 0.5) milestones[0] ??= at;
      if (fraction >= 0.95) milestones[1] ??= at;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    type: 'profiled',
    ok: outcome.ok,
    seconds,
    bytes: statSync(file).size,
    milestones,
    ...(outcome.ok
      ? { rowCount: outcome.profile.rowCount, columns: outcome.profile.columns.length }
      : { issue: outcome.issues[0]?.message ?? 'invalid, without an issue' }),
    rssBefore,
    peakRss: residentMemory(process.pid).peak,
  };
}

main().then(
  (message) => process.send?.(message, () => process.exit(0)),
  (err: unknown) => {
    const message: ProfileMessage = {
      type: 'failed',
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    };
    process.send?.(message, () => process.exit(1));
  },
);
