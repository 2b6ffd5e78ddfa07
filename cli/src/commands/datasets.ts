import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatTable } from '../table.js';
import {
  DATASET_FIELDS,
  explainDatasetError,
  findDataset,
  findRestorable,
  listAll,
  listVersions,
  pickVersion,
  versionDetail,
  type Dataset,
  type VersionSummary,
} from '../datasets/api.js';
import { downloadVersion } from '../datasets/downloader.js';
import { formatTime, plural } from '../datasets/format.js';
import { ResumeStore } from '../datasets/resume.js';
import { renderDataset, versionLine } from '../datasets/show.js';
import { DatasetUploader } from '../datasets/uploader.js';
import { interruptible, reportUpload } from '../datasets/upload-report.js';
import { print, printJson, type CommandContext } from './context.js';

const CREATE_DATASET = `mutation CreateDataset($input: CreateDatasetInput!) { createDataset(input: $input) { ${DATASET_FIELDS} } }`;
const DELETE_DATASET = `mutation DeleteDataset($id: ID!) { deleteDataset(id: $id) { ${DATASET_FIELDS} } }`;
const RESTORE_DATASET = `mutation RestoreDataset($id: ID!) { restoreDataset(id: $id) { ${DATASET_FIELDS} } }`;
const DELETE_VERSION = `mutation DeleteDatasetVersion($id: ID!) { deleteDatasetVersion(id: $id) { id version status } }`;
const RESTORE_VERSION = `mutation RestoreDatasetVersion($id: ID!) { restoreDatasetVersion(id: $id) { id version status } }`;

const STATUSES = ['EMPTY', 'VALIDATING', 'READY', 'INVALID'];

/** `aitip datasets`: create, upload, list, show, download, delete and restore datasets. */
export function registerDatasets(program: Command, context: CommandContext): void {
  const datasets = program
    .command('datasets')
    .description("manage the active organization's datasets and upload their versions");

  datasets
    .command('create')
    .description('create an empty dataset; add content with `aitip datasets upload`')
    .argument('<name>', 'unique within the organization: letters, digits, ".", "_" and "-"')
    .option('--description <text>', 'what the data is')
    .option('--tag <tag>', 'a label to find it by (repeat for more)', collect, [])
    .option('--json', 'print the dataset as JSON')
    .action(async (name: string, options: { description?: string; tag: string[]; json?: boolean }) => {
      const input = { name, description: options.description ?? null, tags: options.tag };
      const { createDataset: created } = await run(() =>
        context.client().request<{ createDataset: Dataset }>(CREATE_DATASET, { input }),
      );
      if (options.json) return printJson(created);
      print(
        `Created dataset ${created.name} (${created.id}). ` +
          `Upload files with \`aitip datasets upload <path> --dataset ${created.name}\`.`,
      );
    });

  datasets
    .command('list')
    .description("list the active organization's datasets, newest first")
    .option('--name <text>', 'only names containing this text (any case)')
    .option('--tag <tag>', 'only datasets carrying this tag (repeat: all of them)', collect, [])
    .option('--format <format>', 'only datasets whose latest version has this format, e.g. CSV')
    .option('--status <status>', `only datasets in this status: ${STATUSES.join(', ')}`)
    .option('--deleted', 'list deleted datasets (still restorable) instead')
    .option('--json', 'print the datasets as JSON')
    .action(
      async (options: {
        name?: string;
        tag: string[];
        format?: string;
        status?: string;
        deleted?: boolean;
        json?: boolean;
      }) => {
        const status = options.status?.toUpperCase();
        if (status && !STATUSES.includes(status)) {
          throw new UsageError(
            `--status ${options.status} is not a dataset status: give one of ${STATUSES.join(', ')}.`,
          );
        }
        const filter = {
          ...(options.name ? { name: options.name } : {}),
          ...(options.tag.length > 0 ? { tags: options.tag } : {}),
          ...(options.format ? { format: options.format.toUpperCase() } : {}),
          ...(status ? { status } : {}),
          ...(options.deleted ? { deleted: true } : {}),
        };
        const items = await run(() => listAll(context.client(), filter));
        if (options.json) return printJson(items);
        if (items.length === 0) {
          return print(
            Object.keys(filter).length > 0
              ? 'No dataset matches.'
              : 'No datasets yet. Create one with `aitip datasets create <name>`, or upload with ' +
                  '`aitip datasets upload <path> --dataset <name> --create`.',
          );
        }
        print(
          formatTable([
            ['NAME', 'STATUS', 'FORMAT', 'VERSIONS', 'UPDATED', ...(options.deleted ? ['DELETED', 'ID'] : [])],
            ...items.map((d) => [
              d.name,
              d.status,
              d.format ?? '-',
              String(d.versionCount),
              formatTime(d.updatedAt),
              ...(options.deleted ? [formatTime(d.deletedAt), d.id] : []),
            ]),
          ]),
        );
      },
    );

  datasets
    .command('show')
    .description('a dataset and its latest (or Nth) version: files, schema, statistics and a preview')
    .argument('<name|id>', 'the dataset')
    .option('--version <n>', 'show version n instead of the latest', versionNumber)
    .option('--json', 'print the dataset, its versions and the version as JSON')
    .action(async (nameOrId: string, options: { version?: number; json?: boolean }) => {
      const client = context.client();
      const { dataset, versions, version } = await run(async () => {
        const dataset = await findDataset(client, nameOrId);
        const versions = await listVersions(client, dataset.id);
        const chosen =
          options.version !== undefined || versions.some((v) => !v.deletedAt)
            ? await pickVersion(client, dataset, options.version, true)
            : undefined;
        return { dataset, versions, version: chosen ? await versionDetail(client, chosen.id) : null };
      });
      if (options.json) return printJson({ ...dataset, versions, version });
      print(renderDataset(dataset, versions, version));
    });

  datasets
    .command('upload')
    .description('upload a file, or every file under a directory, as a new version of a dataset')
    .argument('<path>', 'a file, or a directory (dotfiles are left out)')
    .requiredOption('--dataset <name|id>', 'the dataset that gets the version')
    .option('--create', 'create the dataset when there is none with this name')
    .option('--label-column <column>', 'the column holding the label; validation checks it')
    .option('--description <text>', "the version's description")
    .option('--concurrency <n>', 'parts sent at once', positiveInt('--concurrency'), 4)
    .option('--restart', 'start a new upload even if an interrupted one of this path can be resumed')
    .option('--json', 'print the outcome as JSON')
    .action(
      async (
        path: string,
        options: {
          dataset: string;
          create?: boolean;
          labelColumn?: string;
          description?: string;
          concurrency: number;
          restart?: boolean;
          json?: boolean;
        },
      ) => {
        const uploader = new DatasetUploader(context.client(), new ResumeStore(context.store.dir));
        const outcome = await interruptible((signal) =>
          uploader.upload(
            {
              path,
              dataset: options.dataset,
              create: Boolean(options.create),
              labelColumn: options.labelColumn,
              description: options.description,
              concurrency: options.concurrency,
              restart: Boolean(options.restart),
              stopAfterParts: stopAfterPartsHook(),
            },
            signal,
          ),
        );
        if (!outcome) return;
        reportUpload(outcome, Boolean(options.json));
      },
    );

  datasets
    .command('download')
    .description('download the files of a version, checking each sha256')
    .argument('<name|id>', 'the dataset')
    .option('--version <n>', 'download version n instead of the latest', versionNumber)
    .option('--output <dir>', 'the folder to write into (default: ./<name>-v<version>)')
    .option('--concurrency <n>', 'files downloaded at once', positiveInt('--concurrency'), 4)
    .option('--json', 'print the files written as JSON')
    .action(
      async (nameOrId: string, options: { version?: number; output?: string; concurrency: number; json?: boolean }) => {
        const client = context.client();
        const outcome = await interruptible(async (signal) => {
          const dataset = await findDataset(client, nameOrId);
          const version = await pickVersion(client, dataset, options.version);
          const directory = options.output ?? `${dataset.name}-v${version.version}`;
          process.stderr.write(
            `Downloading version ${version.version} of ${dataset.name} (${versionLine(version)}) into ${directory}.\n`,
          );
          return { version, ...(await downloadVersion(client, version.id, directory, options.concurrency, signal)) };
        });
        if (!outcome) return;
        if (options.json) return printJson(outcome);
        const kept = outcome.files.filter((f) => f.skipped).length;
        print(
          `Downloaded ${plural(outcome.files.length - kept, 'file')} of version ${outcome.version.version} into ` +
            `${outcome.directory}` +
            (kept > 0 ? ` (${plural(kept, 'file')} already there with the right content)` : '') +
            '; every sha256 matches.',
        );
      },
    );

  datasets
    .command('delete')
    .description('delete a dataset, or one version with --version; restorable until the retention period ends')
    .argument('<name|id>', 'the dataset')
    .option('--version <n>', 'delete only version n', versionNumber)
    .action(async (nameOrId: string, options: { version?: number }) => {
      const client = context.client();
      const message = await run(async () => {
        const dataset = await findDataset(client, nameOrId);
        if (dataset.deletedAt) return `Dataset ${dataset.name} is deleted already.`;
        if (options.version !== undefined) {
          const version = await pickVersion(client, dataset, options.version);
          await client.request(DELETE_VERSION, { id: version.id });
          return (
            `Deleted version ${version.version} of ${dataset.name}. It can be restored until the retention period ` +
            `ends: \`aitip datasets restore ${dataset.name} --version ${version.version}\`.`
          );
        }
        const { deleteDataset: deleted } = await client.request<{ deleteDataset: Dataset }>(DELETE_DATASET, {
          id: dataset.id,
        });
        return (
          `Deleted dataset ${deleted.name} and its ${plural(dataset.versionCount, 'version')}. It can be restored ` +
          `until the retention period ends: \`aitip datasets restore ${deleted.id}\`.`
        );
      });
      print(message);
    });

  datasets
    .command('restore')
    .description('bring back a deleted dataset, or a deleted version with --version, within the retention period')
    .argument('<name|id>', 'the dataset (its id, or its name as `aitip datasets list --deleted` shows it)')
    .option('--version <n>', 'restore only version n', versionNumber)
    .action(async (nameOrId: string, options: { version?: number }) => {
      const client = context.client();
      const message = await run(async () => {
        const dataset = await findRestorable(client, nameOrId);
        if (options.version === undefined) {
          const { restoreDataset: restored } = await client.request<{ restoreDataset: Dataset }>(RESTORE_DATASET, {
            id: dataset.id,
          });
          return `Restored dataset ${restored.name} with ${plural(restored.versionCount, 'version')}.`;
        }
        const version: VersionSummary = await pickVersion(client, dataset, options.version, true);
        await client.request(RESTORE_VERSION, { id: version.id });
        return `Restored version ${version.version} of ${dataset.name}.`;
      });
      print(message);
    });
}

/** Runs API work, rewording expected errors for the command line. */
async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw explainDatasetError(err);
  }
}

/** The AITIP_UPLOAD_STOP_AFTER_PARTS test hook: stop an upload as if interrupted after that many parts. */
function stopAfterPartsHook(): number | undefined {
  const value = process.env['AITIP_UPLOAD_STOP_AFTER_PARTS'];
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`AITIP_UPLOAD_STOP_AFTER_PARTS=${value} must be a whole number of parts from 1.`);
  }
  return n;
}

function versionNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--version ${value} is not a version number: give a whole number from 1.`);
  }
  return n;
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 64)
      throw new UsageError(`${flag} ${value} must be a whole number from 1 to 64.`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
  ];
}
