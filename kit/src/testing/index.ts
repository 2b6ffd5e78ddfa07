import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { createBlobStore, type BlobStore } from '../blob/index.js';
import { LocalBlobStore } from '../blob/local.js';
import { handleLocalBlobRequest } from '../blob/local-http.js';
import { createBus } from '../bus/index.js';
import { EmbeddedPostgres } from '../db/embedded.js';
import type { DatabaseTarget } from '../db/data-source.js';
import { IDENTITY_HEADER, signIdentity, type Identity } from '../identity.js';
import type { Logger } from '../log.js';
import type { PlatformResources } from '../platform.js';
import { MemoryQueue } from '../queue/memory.js';
import { RabbitQueue } from '../queue/rabbitmq.js';
import type { Queue } from '../queue/index.js';
import { createRateLimiter } from '../rate-limit/index.js';

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

/**
 * Subscribes to a subgraph over graphql-ws the way the router does (the identity signed by the
 * internal secret in `connectionParams`) and collects the value of the subscription's one field from
 * each event until `done` says so or the server completes it; rejects on an error.
 */
export async function subscribeToSubgraph<T>(
  url: string,
  internalSecret: string,
  query: string,
  variables: Record<string, unknown>,
  identity: Identity,
  done: (events: T[]) => boolean,
): Promise<T[]> {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { [IDENTITY_HEADER]: signIdentity(identity, internalSecret) },
    retryAttempts: 0,
  });
  const events: T[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<Record<string, T>>(
        { query, variables },
        {
          next: (event) => {
            if (event.errors) return reject(new Error(JSON.stringify(event.errors)));
            events.push(Object.values(event.data!)[0]!);
            if (done(events)) {
              stop();
              resolve();
            }
          },
          error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
          complete: () => resolve(),
        },
      );
    });
  } finally {
    await client.dispose();
  }
  return events;
}

/** `real`: PostgreSQL, Redis, RabbitMQ and the S3 server; `embedded`: PGlite, in-process bus and queue, local files. */
export type TestMode = 'real' | 'embedded';

/** The S3 server of the test services (Swift with s3api), unless S3_* say otherwise. */
export const testS3 = {
  endpoint: process.env['S3_ENDPOINT'] ?? 'http://127.0.0.1:8080',
  accessKey: process.env['S3_ACCESS_KEY'] ?? 'test:tester',
  secretKey: process.env['S3_SECRET_KEY'] ?? 'testing',
  region: process.env['S3_REGION'] ?? 'us-east-1',
};

const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TEST_AMQP_URL = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

/** What a subgraph's test harness runs on: every platform resource, fresh, and how to remove them. */
export interface TestResources {
  resources: PlatformResources;
  blob: BlobStore;
  /** A fresh folder for the test's files (the local blob store lives in it). */
  dataDir: string;
  internalSecret: string;
  /** Every object key in blob storage under `prefix`. */
  keys(prefix?: string): Promise<string[]>;
  /** Empties the S3 bucket, closes the resources, drops the database, removes `dataDir`. */
  close(): Promise<void>;
}

/**
 * Fresh platform resources for one test file: in `real` mode a new PostgreSQL database, Redis,
 * RabbitMQ and a new bucket on the S3 server; in `embedded` mode PGlite, the in-process bus and
 * queue and a local blob store, whose presigned URLs a small server of its own answers (the
 * router does in the platform). `name` prefixes the database, bucket and folder.
 */
export async function startTestResources(mode: TestMode, name: string, logger: Logger): Promise<TestResources> {
  const database = mode === 'real' ? await postgresTestTarget(`aitip_${name}`) : await embeddedTestTarget();
  const dataDir = mkdtempSync(join(tmpdir(), `aitip-${name}-test-`));
  const internalSecret = randomBytes(32).toString('hex');
  const redisUrl = mode === 'real' ? TEST_REDIS_URL : undefined;
  const bus = createBus({ redisUrl, logger });
  const queue: Queue = mode === 'real' ? new RabbitQueue({ url: TEST_AMQP_URL, logger }) : new MemoryQueue(logger);
  const rateLimiter = createRateLimiter({ redisUrl, logger });
  let blobServer: Server | undefined;
  let publicBaseUrl = 'http://unused.invalid';
  if (mode === 'embedded') {
    blobServer = createServer((req, res) => {
      void handleLocalBlobRequest(blob as LocalBlobStore, req, res).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => blobServer!.listen(0, '127.0.0.1', resolve));
    publicBaseUrl = `http://127.0.0.1:${(blobServer.address() as AddressInfo).port}`;
  }
  const blob = createBlobStore({
    ...(mode === 'real' ? { s3: { ...testS3, bucket: `aitip-${name}-test-${randomUUID().slice(0, 8)}` } } : {}),
    localDir: join(dataDir, 'blobs'),
    publicBaseUrl,
    signingSecret: internalSecret,
    logger,
  });
  await blob.ensureReady();
  const resources: PlatformResources = {
    database: database.target,
    bus,
    queue,
    blob,
    rateLimiter,
    keys: { tokenSecret: randomBytes(32).toString('hex'), masterKey: randomBytes(32).toString('hex') },
    modes: {
      database: mode === 'real' ? 'postgres' : 'embedded',
      bus: redisUrl ? 'redis' : 'memory',
      queue: mode === 'real' ? 'rabbitmq' : 'memory',
      blob: mode === 'real' ? 's3' : 'local',
    },
    async close() {
      await queue.close();
      await bus.close();
      await rateLimiter.close();
    },
  };
  return {
    resources,
    blob,
    dataDir,
    internalSecret,
    async keys(prefix = '') {
      const keys: string[] = [];
      for await (const item of blob.list(prefix)) keys.push(item.key);
      return keys;
    },
    async close() {
      if (mode === 'real') await blob.deletePrefix('').catch(() => undefined);
      await resources.close();
      await database.close();
      await new Promise<void>((resolve) => (blobServer ? blobServer.close(() => resolve()) : resolve()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
