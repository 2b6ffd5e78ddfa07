import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { checkAborted } from './issues.js';

const PROGRESS_POLL_MS = 100;

/** Escapes text for a single-quoted SQL literal. */
export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Escapes a name for a double-quoted SQL identifier. */
export const sqlName = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * One DuckDB database for one profiling call: an on-disk file in a fresh folder under `tempDir`,
 * bounded memory and threads, spilling to that folder; `close()` removes it all.
 */
export class DuckSession {
  private constructor(
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly signal: AbortSignal | undefined,
  ) {}

  static async open(
    options: { tempDir: string; memoryLimitBytes: number; threads: number },
    signal?: AbortSignal,
  ): Promise<DuckSession> {
    checkAborted(signal);
    const dir = await mkdtemp(join(options.tempDir, 'profile-'));
    try {
      const instance = await DuckDBInstance.create(join(dir, 'profile.duckdb'), {
        memory_limit: `${Math.max(16 * 1024, Math.floor(options.memoryLimitBytes / 1024))}KiB`,
        threads: String(Math.max(1, Math.floor(options.threads))),
        temp_directory: join(dir, 'spill'),
        preserve_insertion_order: 'false',
        autoinstall_known_extensions: 'false',
      });
      const connection = await instance.connect();
      await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
      return new DuckSession(dir, instance, connection, signal);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Runs one statement to completion; reports DuckDB's own progress estimate (0…1) while it runs
   * and interrupts it when the signal aborts.
   */
  async query(sql: string, onProgress?: (fraction: number) => void): Promise<DuckDBResultReader> {
    onProgress?.(0);
    checkAborted(this.signal);
    const interrupt = () => this.connection.interrupt();
    this.signal?.addEventListener('abort', interrupt);
    const timer = onProgress
      ? setInterval(() => {
          const { percentage } = this.connection.progress;
          if (percentage >= 0) onProgress(percentage / 100);
        }, PROGRESS_POLL_MS)
      : undefined;
    try {
      return await this.connection.runAndReadAll(sql);
    } catch (err) {
      checkAborted(this.signal);
      throw err;
    } finally {
      if (timer) clearInterval(timer);
      this.signal?.removeEventListener('abort', interrupt);
    }
  }

  /** A path for a scratch file in this session's folder, removed with it. */
  scratchPath(name: string): string {
    return join(this.dir, name);
  }

  /** Runs a statement whose result does not matter (settings). */
  async run(sql: string): Promise<void> {
    checkAborted(this.signal);
    await this.connection.run(sql);
  }

  async close(): Promise<void> {
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

/** DuckDB's error text without its internal prefix, local paths replaced by the dataset's name. */
export function duckMessage(err: unknown, localPath: string, name: string): string {
  const text = err instanceof Error ? err.message : String(err);
  const firstLine = text.split('\n').find((l) => l.trim()) ?? text;
  return firstLine
    .replace(/^[A-Za-z ]+Error: /, '')
    .replaceAll(localPath, name)
    .trim();
}
