import { randomUUID } from 'node:crypto';
import {
  createLogger,
  IDENTITY_HEADER,
  scopesForRole,
  signIdentity,
  startSubgraph,
  type Identity,
  type PlatformResources,
  type Role,
  type RunningSubgraph,
} from '@aitip/kit';
import {
  startTestResources,
  subgraphCaller,
  subscribeToSubgraph,
  testS3,
  type GraphQLAnswer,
  type TestMode,
} from '@aitip/kit/dist/src/testing/index.js';
import { experimentsSubgraph } from '../src/subgraph.js';
import { createTrackingService, type Tracking } from '../src/tracking/service.js';
import type { Actor } from '../src/tracking/api.js';

export const S3 = testS3;

/** `real`: PostgreSQL, Redis, RabbitMQ and the S3 server; `embedded`: PGlite, in-process bus and queue, local files. */
export type Mode = TestMode;

export type { GraphQLAnswer };

/** A `/rest` answer: status, headers and the body as text and (when it is JSON) parsed. */
export interface RestAnswer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RestRequest {
  /** A JSON value (sent as JSON), or raw bytes. */
  body?: unknown;
  /** Defaults to GET, or POST when there is a body. */
  method?: string;
  headers?: Record<string, string>;
  /** The caller; an identity left out sends no identity header at all. */
  identity?: Identity | null;
}

export interface ExperimentsHarness {
  mode: Mode;
  subgraph: RunningSubgraph;
  resources: PlatformResources;
  /** The tracking service on the subgraph's own database (for set-up and for calls GraphQL does not make). */
  tracking: Tracking;
  sign(identity: Identity): string;
  /** GraphQL as the router calls it, as `identity`. */
  call(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<GraphQLAnswer>;
  /** Like call, but throws on any error and returns data. */
  ok(query: string, variables?: Record<string, unknown>, identity?: Identity | null): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Calls a subgraph route: `path` is relative to `/rest`, e.g. `/2.0/mlflow/experiments/create`. */
  rest(path: string, request?: RestRequest): Promise<RestAnswer>;
  /** Subscribes as `identity` and collects events until `done` says so (or the stream errors). */
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    identity: Identity,
    done: (events: T[]) => boolean,
  ): Promise<T[]>;
  /** Every object key in blob storage under `prefix`. */
  keys(prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts the experiments subgraph on fresh storage; `env` sets its settings (EXPERIMENTS_*). */
export async function startExperiments(mode: Mode, env: Record<string, string> = {}): Promise<ExperimentsHarness> {
  const logger = createLogger('experiments-test', (process.env['TEST_LOG_LEVEL'] as 'silent' | undefined) ?? 'silent');
  const test = await startTestResources(mode, 'experiments', logger);
  const { resources, internalSecret } = test;
  const subgraph = await startSubgraph(experimentsSubgraph, resources, { port: 0, internalSecret, logger, env });
  const tracking = createTrackingService({ db: subgraph.db, resources, logger, settings: env });
  const { call, ok } = subgraphCaller(subgraph.url, internalSecret);
  const base = subgraph.url.replace(/\/graphql$/, '');
  const sign = (identity: Identity) => signIdentity(identity, internalSecret);

  return {
    mode,
    subgraph,
    resources,
    tracking,
    sign,
    call,
    ok,
    async rest(path, request = {}) {
      const headers: Record<string, string> = { ...request.headers };
      if (request.identity) headers[IDENTITY_HEADER] = sign(request.identity);
      let body: Buffer | string | undefined;
      if (Buffer.isBuffer(request.body) || typeof request.body === 'string') body = request.body;
      else if (request.body !== undefined) {
        body = JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${base}/rest${path}`, {
        method: request.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    subscribe<T>(
      query: string,
      variables: Record<string, unknown>,
      identity: Identity,
      done: (events: T[]) => boolean,
    ): Promise<T[]> {
      return subscribeToSubgraph(subgraph.url, internalSecret, query, variables, identity, done);
    },
    keys: test.keys,
    async close() {
      await subgraph.close();
      await test.close();
    },
  };
}

/** A signed-in user acting in `orgId` with `role`, as the router forwards it. */
export function member(orgId: string, role: Role = 'member'): Identity {
  return {
    kind: 'user',
    userId: randomUUID(),
    sessionId: randomUUID(),
    orgId,
    roles: [role],
    scopes: [...scopesForRole(role)],
  };
}

/** The tracking service's caller for `identity`. */
export function actorOf(identity: Identity): Actor {
  return { orgId: identity.orgId!, userId: identity.userId ?? null };
}

/** Creates an experiment through GraphQL; returns its id. */
export async function createExperiment(
  h: ExperimentsHarness,
  who: Identity,
  name = `exp-${randomUUID().slice(0, 8)}`,
): Promise<string> {
  const data = await h.ok(`mutation($n: String!) { createExperiment(name: $n) { id } }`, { n: name }, who);
  return data['createExperiment'].id as string;
}

/** Creates a run through GraphQL; returns its id. */
export async function createRun(
  h: ExperimentsHarness,
  who: Identity,
  experimentId: string,
  name?: string,
): Promise<string> {
  const data = await h.ok(
    `mutation($e: ID!, $n: String) { createRun(experimentId: $e, name: $n) { id } }`,
    { e: experimentId, n: name ?? null },
    who,
  );
  return data['createRun'].id as string;
}
