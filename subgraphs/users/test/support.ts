import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBlobStore,
  createBus,
  createLogger,
  createRateLimiter,
  MemoryQueue,
  scopesForRole,
  signIdentity,
  startSubgraph,
  type Identity,
  type PlatformResources,
  type Role,
  type RunningSubgraph,
} from '@aitip/kit';
import {
  embeddedTestTarget,
  postgresTestTarget,
  subgraphCaller,
  type GraphQLAnswer,
} from '@aitip/kit/dist/src/testing/index.js';
import { usersSubgraph } from '../src/subgraph.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export type DatabaseKind = 'postgres' | 'pglite';

export type { GraphQLAnswer };

/** One users subgraph on a fresh database, called over HTTP with router-signed identities. */
export interface UsersHarness {
  subgraph: RunningSubgraph;
  resources: PlatformResources;
  dataDir: string;
  /** The identity header value the router would send for `identity` (for graphql-ws connection params). */
  sign(identity: Identity): string;
  /** Calls the subgraph; `identity` undefined sends no identity header at all. */
  call(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<GraphQLAnswer>;
  /** Like call, but fails the test on any error and returns data. */
  ok(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/**
 * Starts the users subgraph: PostgreSQL with the Redis bus and rate limiter, or PGlite with the
 * in-process ones. Both use the in-process queue: the audit queue's name is fixed and shared on the
 * machine's broker, where another test's consumer could take this test's audit events.
 */
export async function startUsers(kind: DatabaseKind, env: Record<string, string> = {}): Promise<UsersHarness> {
  const logger = createLogger('users-test', (process.env['TEST_LOG_LEVEL'] as 'silent' | undefined) ?? 'silent');
  const database = kind === 'postgres' ? await postgresTestTarget('aitip_users') : await embeddedTestTarget();
  const dataDir = mkdtempSync(join(tmpdir(), 'aitip-users-test-'));
  const redisUrl = kind === 'postgres' ? REDIS_URL : undefined;
  const bus = createBus({ redisUrl, logger });
  const queue = new MemoryQueue(logger);
  const rateLimiter = createRateLimiter({ redisUrl, logger });
  const internalSecret = randomBytes(32).toString('hex');
  const blob = createBlobStore({
    localDir: join(dataDir, 'blobs'),
    publicBaseUrl: 'http://aitip.test',
    signingSecret: internalSecret,
    logger,
  });
  const resources: PlatformResources = {
    database: database.target,
    bus,
    queue,
    blob,
    rateLimiter,
    keys: { tokenSecret: randomBytes(32).toString('hex'), masterKey: randomBytes(32).toString('hex') },
    modes: {
      database: kind === 'postgres' ? 'postgres' : 'embedded',
      bus: redisUrl ? 'redis' : 'memory',
      queue: 'memory',
      blob: 'local',
    },
    async close() {
      await queue.close();
      await bus.close();
      await rateLimiter.close();
    },
  };
  const subgraph = await startSubgraph(usersSubgraph, resources, {
    port: 0,
    internalSecret,
    logger,
    env: { AITIP_DATA_DIR: dataDir, PUBLIC_URL: 'http://aitip.test', ...env },
  });
  const { call, ok } = subgraphCaller(subgraph.url, internalSecret);
  return {
    subgraph,
    resources,
    dataDir,
    sign: (identity) => signIdentity(identity, internalSecret),
    call,
    ok,
    async close() {
      await subgraph.close();
      await resources.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The identity of an anonymous caller from `clientIp`, as the router forwards it. */
export function anonymous(clientIp = randomIp()): Identity {
  return { kind: 'anonymous', roles: [], scopes: [], clientIp };
}

/** The identity of a signed-in user acting in `orgId` with `role`, as the router forwards it. */
export function member(userId: string, orgId: string | undefined, role?: Role): Identity {
  return {
    kind: 'user',
    userId,
    sessionId: randomUUID(),
    orgId,
    roles: role ? [role] : [],
    scopes: role ? [...scopesForRole(role)] : [],
    clientIp: randomIp(),
  };
}

export const systemCaller: Identity = { kind: 'system', roles: ['system'], scopes: ['*'] };

/** A random address, so rate-limit keys in the shared Redis never collide between runs. */
export function randomIp(): string {
  return `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
}

/** A random e-mail address. */
export function randomEmail(name = 'user'): string {
  return `${name}-${randomBytes(4).toString('hex')}@example.com`;
}

export const PASSWORD = 'correct horse battery';

export const SESSION_FIELDS = `accessToken accessTokenExpiresAt refreshToken user { id email displayName } organization { id slug }`;

/** Signs up the first account with the setup token from the data directory. */
export async function signUpFirst(h: UsersHarness, email = randomEmail('admin')) {
  const setupToken = readFileSync(join(h.dataDir, 'setup-token'), 'utf8').trim();
  const data = await h.ok(
    `mutation($input: SignUpInput!) { signUp(input: $input) { ${SESSION_FIELDS} } }`,
    { input: { email, password: PASSWORD, displayName: 'Admin', setupToken } },
    anonymous(),
  );
  return data['signUp'] as { user: { id: string; email: string }; refreshToken: string; accessToken: string };
}

/** Creates an organization owned by `userId`; returns its id and an owner identity in it. */
export async function createOrg(h: UsersHarness, userId: string, name = `Org ${randomBytes(3).toString('hex')}`) {
  const data = await h.ok(
    `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id slug name } }`,
    { input: { name } },
    member(userId, undefined),
  );
  const org = data['createOrganization'] as { id: string; slug: string; name: string };
  return { org, owner: member(userId, org.id, 'owner') };
}

/** Polls `check` until it returns a value (audit events are stored asynchronously by the queue consumer). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
