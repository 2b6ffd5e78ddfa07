import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../db/embedded.js';
import type { DatabaseTarget } from '../db/data-source.js';
import { IDENTITY_HEADER, signIdentity, type Identity } from '../identity.js';

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

/** A subgraph's answer to one GraphQL call, with the HTTP status. */
export interface GraphQLAnswer {
  status: number;
  data?: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * Calls a subgraph's `/graphql` the way the router does, with the identity signed by the internal
 * secret; an identity left out (undefined or null) sends no identity header at all.
 */
export function subgraphCaller(url: string, internalSecret: string) {
  const call = async (
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity | null,
  ): Promise<GraphQLAnswer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (identity) headers[IDENTITY_HEADER] = signIdentity(identity, internalSecret);
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return { status: response.status, ...((await response.json()) as Omit<GraphQLAnswer, 'status'>) };
  };
  /** Like call, but fails the test on any error and returns data. */
  const ok = async (
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity | null,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<Record<string, any>> => {
    const answer = await call(query, variables, identity);
    if (answer.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
    return answer.data!;
  };
  return { call, ok };
}
