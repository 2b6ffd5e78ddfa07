#!/usr/bin/env node
import { createBus, createLogger, createRateLimiter, resolveDataDirSecret, resolveInternalSecret } from '@aitip/kit';
import { routerConfig, securitySettingsFrom } from './config.js';
import { startRouter } from './router.js';
import { readSupergraph } from './supergraph.js';
import { describeStartupError } from './startup-error.js';

/** The router as its own process (distributed mode): `aitip-router [--supergraph file]`. */
async function main(): Promise<void> {
  const config = routerConfig(process.argv.slice(2));
  const logger = createLogger('router', config.LOG_LEVEL);
  // Redis when configured, so that every router instance shares the limits and hears revocations
  const bus = createBus({ redisUrl: config.REDIS_URL, logger });
  const rateLimiter = createRateLimiter({ redisUrl: config.REDIS_URL, logger });
  const router = await startRouter(
    {
      supergraphSdl: readSupergraph(config.SUPERGRAPH_PATH),
      urlOverrides: config.SUBGRAPH_URLS,
      internalSecret: resolveInternalSecret(config.AITIP_INTERNAL_SECRET, config.AITIP_DATA_DIR),
      tokenSecret: resolveDataDirSecret('token-secret', config.AUTH_TOKEN_SECRET, config.AITIP_DATA_DIR),
      bus,
      rateLimiter,
      security: securitySettingsFrom(config),
      logger,
      webDist: config.WEB_DIST,
      logRequests: config.LOG_REQUESTS,
      deduplicateQueries: config.DEDUPLICATE_QUERIES,
    },
    { host: config.HOST, port: config.PORT },
  ).catch(async (err: unknown) => {
    await Promise.allSettled([bus.close(), rateLimiter.close()]);
    throw new Error(describeStartupError(err, config.PORT));
  });
  logger.info({ url: router.url, supergraph: config.SUPERGRAPH_PATH }, 'router ready');
  const stop = async () => {
    await router.close();
    await Promise.allSettled([bus.close(), rateLimiter.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`router failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
