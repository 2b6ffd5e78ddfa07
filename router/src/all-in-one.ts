#!/usr/bin/env node
import { createLogger, openPlatformResources, resolveInternalSecret, startSubgraph, handleLocalBlobRequest, LocalBlobStore, type RunningSubgraph } from '@aitip/kit';
import { allInOneConfig } from './config.js';
import { platformSubgraphs } from './platform-subgraphs.js';
import { startRouter, type RunningRouter } from './router.js';
import { readSupergraph } from './supergraph.js';

/**
 * `npm start`: every subgraph on a loopback port, the router on PORT, embedded adapters unless
 * DATABASE_URL / REDIS_URL / AMQP_URL / S3_ENDPOINT select real ones. Ctrl-C shuts down cleanly.
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = allInOneConfig(process.argv.slice(2));
  const logger = createLogger('aitip', config.LOG_LEVEL);
  const internalSecret = resolveInternalSecret(config.AITIP_INTERNAL_SECRET, config.AITIP_DATA_DIR);
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const supergraphSdl = readSupergraph(config.SUPERGRAPH_PATH);
  const resources = await openPlatformResources(config, { logger, signingSecret: internalSecret, publicBaseUrl: publicUrl });

  const subgraphs: RunningSubgraph[] = [];
  let router: RunningRouter | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await router?.close().catch((err: unknown) => logger.warn({ err }, 'router close failed'));
    await Promise.all(subgraphs.map((s) => s.close().catch((err: unknown) => logger.warn({ err, subgraph: s.name }, 'close failed'))));
    await resources.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    const running = await Promise.all(
      platformSubgraphs.map((definition, index) =>
        startSubgraph(definition, resources, {
          port: config.SUBGRAPH_BASE_PORT ? config.SUBGRAPH_BASE_PORT + index : 0,
          internalSecret,
          logger: logger.child({ subgraph: definition.name }),
        }),
      ),
    );
    subgraphs.push(...running);
    const blob = resources.blob;
    router = await startRouter(
      {
        supergraphSdl,
        urlOverrides: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
        internalSecret,
        logger,
        webDist: config.WEB_DIST,
        logRequests: config.LOG_REQUESTS,
        handlers: blob instanceof LocalBlobStore ? [(req, res) => handleLocalBlobRequest(blob, req, res)] : [],
      },
      { host: config.HOST, port: config.PORT },
    );
  } catch (err) {
    logger.error({ err }, 'start-up failed');
    process.stderr.write(`AITIP failed to start: ${(err as Error).message}\n`);
    await stop(1);
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  logger.info({ url: router.url, subgraphs: subgraphs.length, adapters: resources.modes, seconds }, 'AITIP ready');
  process.stdout.write(
    `\nAITIP is ready at ${publicUrl}  (${subgraphs.length} subgraphs, ${seconds} s; playground: ${publicUrl}/playground)\n` +
      `Data: ${config.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite in ' + config.AITIP_DATA_DIR}. Press Ctrl-C to stop.\n\n`,
  );
}

void main();
