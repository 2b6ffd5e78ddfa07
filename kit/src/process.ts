import { z } from 'zod';
import { env, infrastructureEnv } from './config.js';
import { createLogger, type Logger } from './log.js';
import { openPlatformResources, resolveInternalSecret } from './platform.js';
import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from './subgraph.js';

/** The environment every subgraph process reads (its own config.ts adds domain settings). */
export function subgraphEnvSchema(defaultPort: number) {
  return z.object({
    ...infrastructureEnv,
    HOST: z.string().default('127.0.0.1').describe('the interface to listen on, e.g. 127.0.0.1'),
    PORT: env.port(defaultPort),
    PUBLIC_URL: z
      .string()
      .url()
      .default('http://localhost:4000')
      .describe('the public URL of the router, e.g. https://aitip.example.com'),
  });
}

export type SubgraphProcessConfig = z.infer<ReturnType<typeof subgraphEnvSchema>>;

/** A subgraph serving in its own process, with the adapters it opened. */
export interface SubgraphProcess {
  subgraph: RunningSubgraph;
  logger: Logger;
  /** Closes the server, then the adapters. */
  close(): Promise<void>;
}

/** Opens the configured adapters and serves one subgraph on them (the process keeps running). */
export async function startSubgraphProcess(
  definition: SubgraphDefinition,
  config: SubgraphProcessConfig,
): Promise<SubgraphProcess> {
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const internalSecret = resolveInternalSecret(config.AITIP_INTERNAL_SECRET, config.AITIP_DATA_DIR);
  const resources = await openPlatformResources(config, {
    logger,
    signingSecret: internalSecret,
    publicBaseUrl: config.PUBLIC_URL,
  });
  try {
    const subgraph = await startSubgraph(definition, resources, {
      host: config.HOST,
      port: config.PORT,
      internalSecret,
      logger,
    });
    return {
      subgraph,
      logger,
      async close() {
        await subgraph.close();
        await resources.close();
      },
    };
  } catch (err) {
    await resources.close();
    throw err;
  }
}

/** Runs one subgraph as its own process (distributed mode) until SIGINT/SIGTERM. */
export async function runSubgraphProcess(definition: SubgraphDefinition, config: SubgraphProcessConfig): Promise<void> {
  let running: SubgraphProcess;
  try {
    running = await startSubgraphProcess(definition, config);
  } catch (err) {
    process.stderr.write(`${definition.name} subgraph failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = async (signal: string) => {
    running.logger.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
