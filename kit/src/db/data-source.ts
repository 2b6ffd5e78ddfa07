import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { Logger } from '../log.js';
import type { EmbeddedPostgres } from './embedded.js';

/** Where a service's tables live: a real PostgreSQL server, or the shared embedded one. */
export type DatabaseTarget = { url: string } | { embedded: EmbeddedPostgres };

export interface ServiceDatabaseOptions {
  target: DatabaseTarget;
  /** The PostgreSQL schema this service owns; every table it creates lives there. */
  schema: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  logger?: Logger;
  poolSize?: number;
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens a typeorm DataSource for one service and brings its schema up to date:
 * creates the schema, then runs pending migrations (never `synchronize`) under an
 * advisory lock so that two processes starting at once do not race.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  if (!schemaPattern.test(options.schema)) {
    throw new Error(`Schema name "${options.schema}" must be lower-case letters, digits and underscores.`);
  }
  const common = {
    type: 'postgres' as const,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    logging: false,
  };
  const dataSource =
    'url' in options.target
      ? new DataSource({
          ...common,
          url: options.target.url,
          poolSize: options.poolSize ?? 10,
          applicationName: `aitip-${options.schema}`,
        })
      : new DataSource({ ...common, driver: options.target.embedded.driverModule() });
  await dataSource.initialize();
  try {
    await migrate(dataSource, options.schema, 'embedded' in options.target, options.logger);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

async function migrate(dataSource: DataSource, schema: string, embedded: boolean, logger?: Logger): Promise<void> {
  const lockKey = `aitip-migrate:${schema}`;
  // On a real server a session advisory lock, held on its own connection while the migrations
  // run on another, keeps two processes starting at once from racing. The embedded database is
  // one process and its lease already serialises every query runner.
  const lock = embedded ? undefined : dataSource.createQueryRunner();
  try {
    await lock?.query(`SELECT pg_advisory_lock(hashtext($1))`, [lockKey]);
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) {
      logger?.info({ schema, migrations: applied.map((m) => m.name) }, 'applied migrations');
    }
  } finally {
    if (lock) {
      await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [lockKey]).catch(() => undefined);
      await lock.release();
    }
  }
}
