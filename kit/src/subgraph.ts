import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { printSubgraphSchema } from '@apollo/subgraph';
import type { Logger } from './log.js';
import type { PlatformResources } from './platform.js';
import { openServiceDatabase } from './db/data-source.js';
import { startSubgraphServer, type RunningServer } from './server/subgraph-server.js';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { parseConfig } from './config.js';
import { QueueAuditSink } from './audit.js';
import { UrlSigner, type SubgraphRoute } from './server/routes.js';

/** What a subgraph's schema factory receives once its database is open. */
export interface SubgraphDependencies {
  db: DataSource;
  resources: PlatformResources;
  logger: Logger;
  /** The subgraph's own settings, parsed from the environment with its `settingsSchema`. */
  settings: Record<string, unknown>;
  /** Signs URLs the subgraph hands out (download links that work until they expire). */
  urlSigner: UrlSigner;
}

/** Everything the platform needs to know to run one subgraph. */
export interface SubgraphDefinition {
  /** Subgraph name; also the name of the PostgreSQL schema it owns. */
  name: string;
  /** Loopback port in the all-in-one process and the default in distributed mode. */
  defaultPort: number;
  entities: Function[];
  migrations: Function[];
  /** Settings of this subgraph alone (e.g. sign-up policy), read from the environment in every mode. */
  settingsSchema?: z.ZodObject;
  /** Builds the federated schema; `deps` is undefined when the schema is only printed. */
  schema(deps: SubgraphDependencies | undefined): Promise<GraphQLSchema>;
  /** Plain HTTP endpoints, served by the router at `/api/<name><path>` with the caller's identity. */
  routes?(deps: SubgraphDependencies): SubgraphRoute[];
  /** Starts background work (queue consumers, first-run tasks) once the server listens; stopped on close. */
  workers?(deps: SubgraphDependencies): Promise<{ stop(): Promise<void> }>;
}

/** Where this process serves each subgraph it runs (all-in-one mode runs them all), by name. */
const servedHere = new Map<string, string>();

/**
 * The base URL (`http://host:port`, without `/graphql`) at which this process serves subgraph `name`,
 * or undefined when it does not run it: lets one subgraph call another's routes directly in the
 * all-in-one mode, where each listens on a free loopback port.
 */
export function subgraphServedHere(name: string): string | undefined {
  return servedHere.get(name);
}

/** The subgraph's SDL as composition reads it (`schema.graphql`). */
export async function printSubgraphSdl(definition: SubgraphDefinition): Promise<string> {
  return printSubgraphSchema(await definition.schema(undefined)) + '\n';
}

export interface RunningSubgraph extends RunningServer {
  db: DataSource;
}

/** Opens the subgraph's schema (running its migrations), builds its schema and serves it. */
export async function startSubgraph(
  definition: SubgraphDefinition,
  resources: PlatformResources,
  options: {
    host?: string;
    port: number;
    internalSecret: string;
    logger: Logger;
    registry?: Registry;
    /** Where the subgraph's settings are read (process.env by default). */
    env?: Record<string, string | undefined>;
  },
): Promise<RunningSubgraph> {
  const logger = options.logger;
  const settings = definition.settingsSchema
    ? (parseConfig(`${definition.name} subgraph`, definition.settingsSchema, options.env ?? process.env) as Record<
        string,
        unknown
      >)
    : {};
  const db = await openServiceDatabase({
    target: resources.database,
    schema: definition.name,
    entities: definition.entities,
    migrations: definition.migrations,
    logger,
  });
  try {
    const deps = { db, resources, logger, settings, urlSigner: new UrlSigner(options.internalSecret) };
    const schema = await definition.schema(deps);
    const server = await startSubgraphServer(
      {
        name: definition.name,
        schema,
        internalSecret: options.internalSecret,
        logger,
        registry: options.registry,
        audit: new QueueAuditSink(resources.queue, logger),
        routes: definition.routes?.(deps) ?? [],
        readiness: {
          database: () => db.query('SELECT 1'),
          bus: () => resources.bus.ping(),
          queue: () => resources.queue.ping(),
          blob: () => resources.blob.ping(),
        },
      },
      { host: options.host, port: options.port },
    );
    const baseUrl = server.url.replace(/\/graphql$/, '');
    servedHere.set(definition.name, baseUrl);
    let workers: { stop(): Promise<void> } | undefined;
    try {
      workers = await definition.workers?.(deps);
    } catch (err) {
      servedHere.delete(definition.name);
      await server.close();
      throw err;
    }
    return {
      ...server,
      db,
      async close() {
        if (servedHere.get(definition.name) === baseUrl) servedHere.delete(definition.name);
        await workers?.stop();
        await server.close();
        await db.destroy();
      },
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
