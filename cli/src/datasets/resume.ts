import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalFile } from './local-files.js';

/** What an interrupted upload left behind so that running the same command again can finish it. */
export interface ResumeState {
  version: 1;
  url: string;
  orgId: string;
  datasetId: string;
  datasetName: string;
  /** The absolute path that was given. */
  root: string;
  uploadId: string;
  labelColumn: string | null;
  files: Array<{ path: string; absolutePath: string; size: number; mtimeMs: number; sha256: string }>;
  startedAt: string;
}

/** Where resume states live: one JSON file per (platform, organization, path, dataset) in `<config>/uploads/`. */
export class ResumeStore {
  readonly dir: string;

  constructor(configDir: string) {
    this.dir = join(configDir, 'uploads');
  }

  /** The file that holds the state of uploading `root` to a dataset. */
  pathFor(url: string, orgId: string, root: string, datasetId: string): string {
    const key = createHash('sha256')
      .update(JSON.stringify([url, orgId, root, datasetId]))
      .digest('hex');
    return join(this.dir, `${key.slice(0, 32)}.json`);
  }

  /** The stored state, or null when there is none or it cannot be read (it is then ignored). */
  read(file: string): ResumeState | null {
    try {
      const state = JSON.parse(readFileSync(file, 'utf8')) as ResumeState;
      return state.version === 1 && typeof state.uploadId === 'string' && Array.isArray(state.files) ? state : null;
    } catch {
      return null;
    }
  }

  /** Writes the state atomically (temp file + rename), readable only by the user. */
  write(file: string, state: ResumeState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      renameSync(temp, file);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
  }

  remove(file: string): void {
    rmSync(file, { force: true });
  }
}

/** Whether the files on disk are still those the stored upload declared: same paths, sizes and times. */
export function sameFiles(state: ResumeState, files: readonly LocalFile[]): boolean {
  if (state.files.length !== files.length) return false;
  const stored = new Map(state.files.map((f) => [f.path, f]));
  return files.every((f) => {
    const s = stored.get(f.path);
    return s !== undefined && s.size === f.size && s.mtimeMs === f.mtimeMs && s.absolutePath === f.absolutePath;
  });
}
