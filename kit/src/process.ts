import { z } from 'zod';
import { env, infrastructureEnv } from './config.js';
import { createLogger } from './log.js';
import { openPlatformResources, resolveInternalSecret } from './platform.js';
import { startSubgraph, type SubgraphDefinition } from './subgraph.js';

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

/** Runs one subgraph as its own process (distributed mode) until SIGINT/SIGTERM. */
export async function runSubgraphProcess(definition: SubgraphDefinition, config: SubgraphProcessConfig): Promise<void> {
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const internalSecret = resolveInternalSecret(config.AITIP_INTERNAL_SECRET, config.AITIP_DATA_DIR);
  const resources = await openPlatformResources(config, {
    logger,
    signingSecret: internalSecret,
    publicBaseUrl: config.PUBLIC_URL,
  });
  const running = await startSubgraph(definition, resources, {
    host: config.HOST,
    port: config.PORT,
    internalSecret,
    logger,
  });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await running.close();
    await resources.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
