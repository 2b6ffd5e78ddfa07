import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatBytes, plural } from '../datasets/format.js';
import { InterruptedError } from '../datasets/transfer.js';
import {
  compareRuns,
  explainRunsError,
  findExperiment,
  getRun,
  listArtifacts,
  MAX_COMPARE,
  searchRuns,
} from '../runs/api.js';
import { downloadArtifacts, normalizeArtifactPath } from '../runs/artifacts.js';
import { defaultColumns, parseColumn, renderComparison, renderRun, runsTable, type RunColumn } from '../runs/format.js';
import { print, printJson, type CommandContext } from './context.js';

const MAX_LIMIT = 100_000;

/** `aitip runs`: find, inspect and compare experiment runs, and download their artifacts. */
export function registerRuns(program: Command, context: CommandContext): void {
  const runs = program
    .command('runs')
    .description(
      'find, inspect and compare experiment runs (logged through MLflow or the API) and get their artifacts',
    );

  runs
    .command('list')
    .description('list the runs of an experiment, newest first unless --order-by says otherwise')
    .requiredOption('--experiment <name|id>', 'the experiment (repeat for several)', collect)
    .option(
      '--filter <expression>',
      "MLflow's filter language, e.g. \"metrics.rmse < 1 and params.model = 'cnn' and status = 'FINISHED'\"",
    )
    .option('--order-by <column>', 'e.g. "metrics.rmse DESC" or "attributes.start_time" (repeat for more)', collect, [])
    .option('--limit <n>', `at most this many runs (1 to ${MAX_LIMIT})`, limitOf, 50)
    .option(
      '--column <column>',
      'a metrics.<key>, params.<key> or tags.<key> column to show (repeat for more)',
      collect,
      [],
    )
    .option('--deleted', 'include deleted runs')
    .option('--json', 'print the runs as JSON')
    .action(
      async (options: {
        experiment: string[];
        filter?: string;
        orderBy: string[];
        limit: number;
        column: string[];
        deleted?: boolean;
        json?: boolean;
      }) => {
        const columns = options.column.map(columnOf);
        const client = context.client();
        const { experiments, runs, more } = await explained(options.filter, async () => {
          const experiments = [];
          for (const e of options.experiment) experiments.push(await findExperiment(client, e));
          const found = await searchRuns(client, {
            experimentIds: experiments.map((e) => e.id),
            filter: options.filter,
            orderBy: options.orderBy,
            includeDeleted: Boolean(options.deleted),
            limit: options.limit,
          });
          return { experiments, ...found };
        });
        if (options.json) return printJson(runs);
        const names = experiments.map((e) => e.name).join(', ');
        if (runs.length === 0) {
          return print(options.filter ? `No run of ${names} matches the filter.` : `${names} has no runs yet.`);
        }
        print(runsTable(runs, columns.length > 0 ? columns : defaultColumns(runs, options.orderBy)));
        if (more) {
          process.stderr.write(`Showing the first ${plural(runs.length, 'run')}; raise --limit to see more.\n`);
        }
      },
    );

  runs
    .command('show')
    .description("a run's attributes, params, tags, latest metrics and inputs")
    .argument('<run-id>', 'the run')
    .option('--system-tags', 'also show the mlflow.* system tags')
    .option('--json', 'print the run as JSON')
    .action(async (id: string, options: { systemTags?: boolean; json?: boolean }) => {
      const run = await explained(undefined, () => getRun(context.client(), id));
      if (options.json) return printJson(run);
      print(renderRun(run, Boolean(options.systemTags)));
    });

  runs
    .command('compare')
    .description('compare runs: their params (differences marked *) and metrics side by side')
    .argument('<run-ids...>', `two to ${MAX_COMPARE} runs`)
    .option('--only-different', 'show only the params that differ')
    .option('--metric <stat>', 'which value of each metric: last, min or max', statOf, 'last' as const)
    .option('--json', 'print the comparison as JSON')
    .action(
      async (ids: string[], options: { onlyDifferent?: boolean; metric: 'last' | 'min' | 'max'; json?: boolean }) => {
        const unique = [...new Set(ids)];
        if (unique.length < 2 || unique.length > MAX_COMPARE) {
          throw new UsageError(`Give two to ${MAX_COMPARE} different run ids to compare (got ${unique.length}).`);
        }
        const comparison = await explained(undefined, () => compareRuns(context.client(), unique));
        if (options.json) return printJson(comparison);
        print(renderComparison(comparison, { onlyDifferent: Boolean(options.onlyDifferent), stat: options.metric }));
      },
    );

  const artifacts = runs.command('artifacts').description("list and download a run's artifacts");

  artifacts
    .command('list')
    .description("list one folder of a run's artifacts")
    .argument('<run-id>', 'the run')
    .argument('[path]', 'a folder among its artifacts (default: the top)')
    .option('--json', 'print the entries as JSON')
    .action(async (runId: string, path: string | undefined, options: { json?: boolean }) => {
      const entries = await explained(undefined, () =>
        listArtifacts(context.client(), runId, normalizeArtifactPath(path)),
      );
      if (options.json) return printJson(entries);
      if (entries.length === 0) return print(path ? `Nothing under ${path}.` : 'The run has no artifacts yet.');
      print(entries.map((e) => (e.isDir ? `${e.path}/` : `${e.path}  ${formatBytes(e.size ?? 0)}`)).join('\n'));
    });

  artifacts
    .command('download')
    .description("download a run's artifacts (all, or a file or folder among them), keeping their paths")
    .argument('<run-id>', 'the run')
    .argument('[path]', 'a file or folder among its artifacts (default: all of them)')
    .option('--out <dir>', 'the folder to write into (default: ./<run-id>)')
    .option('--concurrency <n>', 'files downloaded at once', concurrencyOf, 4)
    .option('--json', 'print the files written as JSON')
    .action(
      async (
        runId: string,
        path: string | undefined,
        options: { out?: string; concurrency: number; json?: boolean },
      ) => {
        const client = context.client();
        const directory = options.out ?? runId;
        const controller = new AbortController();
        const onInterrupt = () => {
          if (controller.signal.aborted) process.exit(130);
          controller.abort(new InterruptedError('Interrupted.'));
        };
        process.on('SIGINT', onInterrupt);
        let outcome;
        try {
          outcome = await explained(undefined, () =>
            downloadArtifacts(
              client,
              runId,
              normalizeArtifactPath(path),
              directory,
              options.concurrency,
              controller.signal,
            ),
          );
        } catch (err) {
          if (!(err instanceof InterruptedError)) throw err;
          process.stderr.write(`aitip: ${err.message}\n`);
          process.exitCode = 130;
          return;
        } finally {
          process.off('SIGINT', onInterrupt);
        }
        if (options.json) return printJson(outcome);
        if (outcome.files.length === 0) return print('The run has no artifacts yet; nothing was downloaded.');
        const bytes = outcome.files.reduce((n, f) => n + (f.size ?? 0), 0);
        print(`Downloaded ${plural(outcome.files.length, 'file')} (${formatBytes(bytes)}) into ${outcome.directory}.`);
      },
    );
}

/** Runs API work, rewording expected errors (a filter error gets a caret under its column). */
async function explained<T>(filter: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw explainRunsError(err, filter);
  }
}

function columnOf(value: string): RunColumn {
  const column = parseColumn(value);
  if (!column) {
    throw new UsageError(`--column ${value} names no column: give metrics.<key>, params.<key> or tags.<key>.`);
  }
  return column;
}

function limitOf(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_LIMIT) {
    throw new UsageError(`--limit ${value} must be a whole number from 1 to ${MAX_LIMIT}.`);
  }
  return n;
}

function concurrencyOf(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64)
    throw new UsageError(`--concurrency ${value} must be a whole number from 1 to 64.`);
  return n;
}

function statOf(value: string): 'last' | 'min' | 'max' {
  if (value === 'last' || value === 'min' || value === 'max') return value;
  throw new UsageError(`--metric ${value} must be last, min or max.`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
