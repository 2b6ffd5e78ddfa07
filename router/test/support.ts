import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createLogger, parseConfig, printSubgraphSdl, signAccessToken, type Role } from '@aitip/kit';
import { platformSubgraphs } from '../src/platform-subgraphs.js';
import { allInOneEnvSchema, repoRoot } from '../src/config.js';
import { startPlatform, type RunningPlatform } from '../src/platform.js';

/**
 * Starts the whole platform in this process on free ports, embedded adapters unless `env` says
 * otherwise; `env` also reaches the subgraphs' own settings (e.g. AUTH_SIGNUP=open).
 */
export async function startTestPlatform(
  env: Record<string, string> = {},
): Promise<{ platform: RunningPlatform; secret: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aitip-router-test-'));
  const secret = randomBytes(32).toString('hex');
  const config = parseConfig('aitip', allInOneEnvSchema, {
    AITIP_DATA_DIR: dataDir,
    AITIP_INTERNAL_SECRET: secret,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const platform = await startPlatform({ ...config, PORT: 0 }, createLogger('aitip-test', 'silent'), {
    ...process.env,
    ...env,
  });
  return { platform, secret, dataDir };
}

/** Somebody with `role` in a new organization, made with SQL, and an access token for them acting there. */
export interface TestMember {
  userId: string;
  orgId: string;
  token: string;
  /** The Authorization header with the token. */
  headers: Record<string, string>;
}

/**
 * Inserts a user, an organization and the membership straight into the users subgraph's tables
 * and signs an access token whose default organization is that one (as log-in would).
 */
export async function createTestMember(
  query: (sql: string, params: unknown[]) => Promise<Array<{ id: string }>>,
  tokenSecret: string,
  org: { slug: string; name: string },
  role: Role = 'owner',
): Promise<TestMember> {
  const [user] = await query(`INSERT INTO users.users (email, display_name) VALUES ($1, $2) RETURNING id`, [
    `${role}-${randomUUID().slice(0, 8)}@${org.slug}.example.com`,
    `${org.name} ${role}`,
  ]);
  const [organization] = await query(`INSERT INTO users.organizations (slug, name) VALUES ($1, $2) RETURNING id`, [
    org.slug,
    org.name,
  ]);
  await query(`INSERT INTO users.memberships (org_id, user_id, role) VALUES ($1, $2, $3) RETURNING id`, [
    organization!.id,
    user!.id,
    role,
  ]);
  const { token } = await signAccessToken(
    { userId: user!.id, sessionId: randomUUID(), orgId: organization!.id },
    tokenSecret,
  );
  return { userId: user!.id, orgId: organization!.id, token, headers: { authorization: `Bearer ${token}` } };
}

/** POSTs a GraphQL operation and returns the parsed answer with the response. */
export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
  return { response, body };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs `npm start`'s entry point as a child process. */
export function spawnAllInOne(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [join(repoRoot, 'router/dist/src/all-in-one.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls `url` until it answers 200 or `timeoutMs` passes. */
export async function waitForOk(url: string, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms:\n${describe()}`);
}

/** The supergraph composed from the platform's subgraphs as the code defines them now. */
export async function composePlatformSupergraph(): Promise<string> {
  const composed = composeServices(
    await Promise.all(
      platformSubgraphs.map(async (s) => ({
        name: s.name,
        url: `http://127.0.0.1:1/${s.name}`,
        typeDefs: parse(await printSubgraphSdl(s)),
      })),
    ),
  );
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl!;
}
