/**
 * What a local worker's process is given: its working directory, the data root with one link per
 * input, the environment it starts with, and a free rendezvous port.
 */
import { constants } from 'node:fs';
import { access, mkdir, rm, stat, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { rendezvousEnv, type ExecutionSpec } from './executor.js';
import { missingHostPath } from './local-spec.js';

/** Where an attempt's processes run and read their inputs. */
export interface LocalWorkspace {
  /** The working directory and HOME of every worker. */
  workDir: string;
  /** `AITIP_DATA_DIR`: one symlink per input. */
  dataDir: string;
}

/** The environment every job starts from: nothing of the platform's own (its secrets) leaks in. */
export interface LocalBaseEnv {
  PATH: string;
  LANG: string;
}

/** PATH for jobs when none is configured: this Node's directory first, so `node` is the same one. */
export function defaultJobPath(): string {
  const dirs = [
    dirname(process.execPath),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  return [...new Set(dirs)].join(delimiter);
}

/**
 * Creates the working directory (the code directory, or a fresh one under the scratch directory
 * when the job has no code) and the data root. The links do not make inputs read-only: a local job
 * runs as the platform's own user, so the local backend is for one trusted user on one machine.
 */
export async function prepareLocalWorkspace(spec: ExecutionSpec): Promise<LocalWorkspace> {
  const workDir = spec.codeDir ?? join(spec.scratchDir, 'work');
  const dataDir = join(spec.scratchDir, 'data');
  await mkdir(workDir, { recursive: true });
  await mkdir(spec.outputDir, { recursive: true });
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  for (const input of spec.inputs) {
    if (!input.hostPath) throw missingHostPath(input.name);
    await symlink(resolve(input.hostPath), join(dataDir, input.name), 'dir');
  }
  return { workDir, dataDir };
}

/** The whole environment of worker `rank`: base, the job's own, then the platform's variables. */
export function localWorkerEnv(
  base: LocalBaseEnv,
  spec: ExecutionSpec,
  workspace: LocalWorkspace,
  masterPort: number,
  rank: number,
): Record<string, string> {
  return {
    PATH: base.PATH,
    LANG: base.LANG,
    HOME: workspace.workDir,
    ...spec.env,
    ...rendezvousEnv('127.0.0.1', masterPort, rank, spec.workers, true),
    AITIP_OUTPUT_DIR: spec.outputDir,
    AITIP_DATA_DIR: workspace.dataDir,
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for rank 0 to listen on. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('the operating system gave no port'));
      });
    });
  });
}

/**
 * Where `command` would be run from, the way the OS looks it up: a name is searched on PATH, a path
 * with a slash is taken relative to the working directory. Null when there is no executable file.
 */
export async function findExecutable(command: string, pathEnv: string, workDir: string | null): Promise<string | null> {
  if (command.includes('/')) {
    if (!isAbsolute(command) && workDir === null) return null;
    const candidate = resolve(workDir ?? '/', command);
    return (await isExecutableFile(candidate)) ? candidate : null;
  }
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
