import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { IDENTITY_HEADER, executeGraphQL, readBody, verifyIdentity, type Identity } from '@aitip/kit';

// Two small subgraphs for the router's subscription tests: `jobs` owns the subscription
// `jobStatusChanged` (resumable: `after` argument, `cursor` on its events) and references
// datasets by key; `catalog` owns `Dataset.name`. Both accept graphql-ws on /graphql with the
// router-signed identity, like kit's subgraph server.
const jobsSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Job @key(fields: "id") { id: ID! dataset: Dataset! }
  type Dataset @key(fields: "id", resolvable: false) { id: ID! }
  type JobEvent { cursor: String! status: String! job: Job! payload: String }
  type Query { job(id: ID!): Job }
  type Subscription { jobStatusChanged(after: String): JobEvent! }
`;
const catalogSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Dataset @key(fields: "id") { id: ID! name: String! }
  type Query { datasets: [Dataset!]! }
`;

interface JobEvent {
  cursor: string;
  status: string;
  jobId: string;
  payload?: string;
}

/** The jobs subgraph's event log: durable across its restarts, as a real event store would be. */
export class JobEventLog {
  readonly events: JobEvent[] = [];
  private readonly listeners = new Set<() => void>();

  publish(jobId: string, status: string, payload?: string): string {
    const cursor = String(this.events.length + 1);
    this.events.push({ cursor, status, jobId, ...(payload !== undefined ? { payload } : {}) });
    for (const listener of this.listeners) listener();
    return cursor;
  }

  /**
   * Events after `after` (a cursor; from now when absent), replayed then live, until the consumer
   * returns. A hand-written iterator: an async generator waiting for the next event could not be
   * returned, so a cancelled subscription would stay open.
   */
  iterate(after: string | null | undefined): AsyncIterableIterator<JobEvent> {
    let next = after ? Number(after) : this.events.length;
    let waiting: ((result: IteratorResult<JobEvent>) => void) | undefined;
    let done = false;
    const listener = () => {
      if (waiting && next < this.events.length) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: this.events[next++]!, done: false });
      }
    };
    this.listeners.add(listener);
    const finish = (): IteratorResult<JobEvent> => {
      done = true;
      this.listeners.delete(listener);
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      return { value: undefined, done: true };
    };
    return {
      next: () => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (next < this.events.length) return Promise.resolve({ value: this.events[next++]!, done: false });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => Promise.resolve(finish()),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

export interface RunningFixture {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface SubscriptionFixtures {
  supergraphSdl: string;
  /** The two subgraphs, to compose with others. */
  subgraphs: Array<{ name: string; url: string; typeDefs: DocumentNode }>;
  log: JobEventLog;
  datasetNames: Map<string, string>;
  /** How many times the catalog subgraph resolved a Dataset entity. */
  datasetLookups: { count: number };
  /** Subscriptions the jobs subgraph has open now, and how many it was ever asked for. */
  jobs: { open: number; total: number; identities: Identity[] };
  /** Stops the jobs subgraph (dropping its connections) and starts it again on the same port. */
  stopJobs(): Promise<void>;
  startJobs(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the jobs and catalog subgraphs and composes their supergraph. */
export async function startSubscriptionFixtures(internalSecret: string): Promise<SubscriptionFixtures> {
  const log = new JobEventLog();
  const datasetNames = new Map([['d1', 'imagenet']]);
  const jobOwner = new Map([['j1', 'd1']]);
  const counts = { open: 0, total: 0, identities: [] as Identity[] };
  const datasetLookups = { count: 0 };
  const jobsSchema = buildSubgraphSchema([
    {
      typeDefs: parse(jobsSdl),
      resolvers: {
        Query: { job: (_: unknown, args: { id: string }) => ({ id: args.id }) },
        Job: {
          __resolveReference: (ref: { id: string }) => ref,
          dataset: (job: { id: string }) => ({ __typename: 'Dataset', id: jobOwner.get(job.id) }),
        },
        JobEvent: { job: (event: JobEvent) => ({ id: event.jobId }) },
        Subscription: {
          jobStatusChanged: {
            subscribe: (_: unknown, args: { after?: string | null }) => {
              counts.open++;
              counts.total++;
              const source = log.iterate(args.after);
              let closed = false;
              const finish = () => {
                if (!closed) counts.open--;
                closed = true;
              };
              const events: AsyncIterableIterator<{ jobStatusChanged: JobEvent }> = {
                next: async () => {
                  const result = await source.next();
                  if (result.done) {
                    finish();
                    return { value: undefined, done: true };
                  }
                  return { value: { jobStatusChanged: result.value }, done: false };
                },
                return: async () => {
                  finish();
                  await source.return!();
                  return { value: undefined, done: true };
                },
                [Symbol.asyncIterator]() {
                  return this;
                },
              };
              return events;
            },
          },
        },
      } as never,
    },
  ]);
  const catalogSchema = buildSubgraphSchema([
    {
      typeDefs: parse(catalogSdl),
      resolvers: {
        Query: { datasets: () => [...datasetNames].map(([id, name]) => ({ id, name })) },
        Dataset: {
          __resolveReference: (ref: { id: string }) => {
            datasetLookups.count++;
            return { id: ref.id, name: datasetNames.get(ref.id) };
          },
        },
      } as never,
    },
  ]);
  let jobs = await serve(jobsSchema, internalSecret, 0, counts.identities);
  const jobsPort = jobs.port;
  const catalog = await serve(catalogSchema, internalSecret, 0, []);
  const subgraphs = [
    { name: 'jobs', url: jobs.url, typeDefs: parse(jobsSdl) },
    { name: 'catalog', url: catalog.url, typeDefs: parse(catalogSdl) },
  ];
  const composed = composeServices(subgraphs);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('; '));
  let jobsRunning = true;
  return {
    supergraphSdl: composed.supergraphSdl,
    subgraphs,
    log,
    datasetNames,
    datasetLookups,
    jobs: counts,
    async stopJobs() {
      jobsRunning = false;
      await jobs.close();
    },
    async startJobs() {
      jobs = await serve(jobsSchema, internalSecret, jobsPort, counts.identities);
      jobsRunning = true;
    },
    async close() {
      if (jobsRunning) await jobs.close();
      await catalog.close();
    },
  };
}

async function serve(
  schema: GraphQLSchema,
  internalSecret: string,
  port: number,
  identities: Identity[],
): Promise<RunningFixture> {
  const apollo = new ApolloServer<{ identity: Identity }>({ schema });
  await apollo.start();
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) =>
      executeGraphQL(apollo, req, res, body, async () => ({
        identity: verifyIdentity(req.headers[IDENTITY_HEADER], internalSecret),
      })),
    );
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const ws = useServer<Record<string, unknown>, { identity?: Identity }>(
    {
      schema,
      onConnect: (ctx) => {
        try {
          const identity = verifyIdentity(
            ctx.connectionParams?.[IDENTITY_HEADER] as string | undefined,
            internalSecret,
          );
          identities.push(identity);
          ctx.extra.identity = identity;
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => ({ identity: ctx.extra.identity }),
    },
    wss,
  );
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/graphql`,
    port: actual,
    async close() {
      for (const client of wss.clients) client.terminate();
      await ws.dispose();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
    },
  };
}
