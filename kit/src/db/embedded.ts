import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDirectory } from './data-dir-lock.js';

/**
 * One embedded PostgreSQL (PGlite) shared by every service in the all-in-one process.
 *
 * PGlite is a single session, so two services writing at once would interleave their
 * transactions. Every connection handed out by `driverModule()` therefore holds an
 * exclusive lease on the session until it is released: a typeorm query runner (and so a
 * whole transaction) runs alone, as it would on its own connection to a real server.
 */
export class EmbeddedPostgres {
  private readonly db: PGlite;
  private queue: Array<() => void> = [];
  private leased = false;
  private closed = false;

  private constructor(
    db: PGlite,
    private readonly unlock: () => void,
  ) {
    this.db = db;
  }

  /** Opens (or creates) the database in `dataDir`; `undefined` keeps it in memory. */
  static async open(dataDir?: string): Promise<EmbeddedPostgres> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const unlock = dataDir ? lockDataDirectory(dataDir) : () => undefined;
    try {
      const db = await PGlite.create(dataDir ? `file://${dataDir}` : undefined, {
        // match node-postgres: int8 and numeric come back as strings, never lose precision
        parsers: { 20: (v: string) => v, 1700: (v: string) => v },
      });
      return new EmbeddedPostgres(db, unlock);
    } catch (err) {
      unlock();
      throw err;
    }
  }

  /** Waits for exclusive use of the session; `timeoutMs` turns a deadlock into a clear error. */
  async lease(timeoutMs = 30_000): Promise<EmbeddedSession> {
    if (this.closed) throw new Error('The embedded database is closed.');
    if (this.leased) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.queue = this.queue.filter((w) => w !== grant);
          reject(
            new Error(
              `Timed out after ${timeoutMs} ms waiting for the embedded database; ` +
                'a caller is holding a connection (e.g. opened a second query runner inside a transaction).',
            ),
          );
        }, timeoutMs);
        const grant = () => {
          clearTimeout(timer);
          resolve();
        };
        this.queue.push(grant);
      });
    }
    this.leased = true;
    return new EmbeddedSession(this.db, () => this.releaseLease());
  }

  private releaseLease(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.leased = false;
  }

  /** Runs one statement on a short lease (for health checks and scripts). */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.runLeased(sql, params)).rows as T[];
  }

  private async runLeased(sql: string, params?: unknown[]): ReturnType<EmbeddedSession['query']> {
    const session = await this.lease();
    try {
      return await session.query(sql, params);
    } finally {
      session.release();
    }
  }

  /** A module shaped like `pg` (Pool, defaults) for typeorm's `driver` option. */
  driverModule(): unknown {
    const lease = (timeoutMs?: number) => this.lease(timeoutMs);
    const runLeased = (sql: string, params?: unknown[]) => this.runLeased(sql, params);
    class Pool extends EventEmitter {
      totalCount = 0;
      connect(callback?: (err: Error | undefined, client?: EmbeddedSession, release?: () => void) => void) {
        const leased = lease();
        if (!callback) return leased;
        leased.then(
          (session) => callback(undefined, session, () => session.release()),
          (err: Error) => callback(err),
        );
        return undefined;
      }
      query(sql: string, params?: unknown[]) {
        return runLeased(sql, params);
      }
      end(callback?: (err?: Error) => void) {
        callback?.();
        return Promise.resolve();
      }
    }
    return { Pool, defaults: {}, types: { setTypeParser() {} } };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const session = await this.lease();
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      session.release();
      this.unlock();
    }
  }
}

/** A leased session; the `pg` client surface typeorm uses (query, events, release). */
export class EmbeddedSession extends EventEmitter {
  private released = false;

  constructor(
    private readonly db: PGlite,
    private readonly onRelease: () => void,
  ) {
    super();
  }

  async query(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: unknown[]; rowCount: number; command?: string; fields: unknown[] }> {
    if (this.released) throw new Error('Query on a released embedded database session.');
    if (!params || params.length === 0) {
      // exec() runs multi-statement scripts (migrations) with the simple protocol
      const results = await this.db.exec(sql);
      const last = results[results.length - 1] as
        { rows?: unknown[]; affectedRows?: number; fields?: unknown[] } | undefined;
      const rows = last?.rows ?? [];
      return { rows, rowCount: last?.affectedRows ?? rows.length, command: commandOf(sql), fields: last?.fields ?? [] };
    }
    const result = await this.db.query(sql, params.map(toParam));
    return {
      rows: result.rows,
      rowCount: result.affectedRows ?? result.rows.length,
      command: commandOf(sql),
      fields: result.fields,
    };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

function commandOf(sql: string): string | undefined {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
}

/** node-postgres sends objects as JSON and Dates as timestamps; do the same. */
function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date || value === null || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}
