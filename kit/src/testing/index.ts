import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../db/embedded.js';
import type { DatabaseTarget } from '../db/data-source.js';

/** The PostgreSQL server tests run against (the machine's, unless TEST_DATABASE_URL says otherwise). */
export const testPostgresUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a fresh database for one test file, so files run in parallel without sharing schemas.
 * Returns its URL and a function that drops it.
 */
export async function createTestDatabase(prefix = 'aitip_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: testPostgresUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A database target for one test file: a fresh PostgreSQL database, or a fresh PGlite directory. */
export interface TestDatabaseTarget {
  target: DatabaseTarget;
  close(): Promise<void>;
}

/** A fresh PostgreSQL database as a service database target. */
export async function postgresTestTarget(prefix?: string): Promise<TestDatabaseTarget> {
  const database = await createTestDatabase(prefix);
  return { target: { url: database.url }, close: () => database.drop() };
}

/** A fresh embedded (PGlite) database in a temporary directory, removed on close. */
export async function embeddedTestTarget(): Promise<TestDatabaseTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'aitip-pglite-'));
  const embedded = await EmbeddedPostgres.open(dir);
  return {
    target: { embedded },
    close: async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
