import {
  LocalBlobStore,
  handleLocalBlobRequest,
  openPlatformResources,
  resolveInternalSecret,
  startSubgraph,
  type Logger,
  type PlatformResources,
  type RunningSubgraph,
} from '@aitip/kit';
import type { z } from 'zod';
import { securitySettingsFrom, type allInOneEnvSchema } from './config.js';
import { platformSubgraphs } from './platform-subgraphs.js';
import { startRouter, type RunningRouter } from './router.js';
import { readSupergraph } from './supergraph.js';

export type AllInOneConfig = z.infer<typeof allInOneEnvSchema>;

/** The whole platform in one process. */
export interface RunningPlatform {
  router: RunningRouter;
  subgraphs: RunningSubgraph[];
  resources: PlatformResources;
  publicUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts every subgraph on a loopback port and the router in front of them, on the adapters the
 * configuration selects (embedded by default).
 */
export async function startPlatform(
  config: AllInOneConfig,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningPlatform> {
  const internalSecret = resolveInternalSecret(config.AITIP_INTERNAL_SECRET, config.AITIP_DATA_DIR);
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const supergraphSdl = readSupergraph(config.SUPERGRAPH_PATH);
  const resources = await openPlatformResources(config, {
    logger,
    signingSecret: internalSecret,
    publicBaseUrl: publicUrl,
  });
  const subgraphs: RunningSubgraph[] = [];
  let router: RunningRouter | undefined;
  const stop = async () => {
    await router?.close().catch((err: unknown) => logger.warn({ err }, 'router close failed'));
    await Promise.all(
      subgraphs.map((s) => s.close().catch((err: unknown) => logger.warn({ err, subgraph: s.name }, 'close failed'))),
    );
    await resources.close();
  };
  try {
    const settled = await Promise.allSettled(
      platformSubgraphs.map((definition, index) =>
        startSubgraph(definition, resources, {
          port: config.SUBGRAPH_BASE_PORT ? config.SUBGRAPH_BASE_PORT + index : 0,
          internalSecret,
          logger: logger.child({ subgraph: definition.name }),
          // the subgraphs' own settings (e.g. AUTH_SIGNUP), with the platform's data directory and URL
          env: { ...env, AITIP_DATA_DIR: config.AITIP_DATA_DIR, PUBLIC_URL: publicUrl },
        }),
      ),
    );
    for (const result of settled) if (result.status === 'fulfilled') subgraphs.push(result.value);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const blob = resources.blob;
    router = await startRouter(
      {
        supergraphSdl,
        urlOverrides: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
        internalSecret,
        tokenSecret: resources.keys.tokenSecret,
        bus: resources.bus,
        rateLimiter: resources.rateLimiter,
        security: securitySettingsFrom(config),
        logger,
        webDist: config.WEB_DIST,
        logRequests: config.LOG_REQUESTS,
        deduplicateQueries: config.DEDUPLICATE_QUERIES,
        handlers: blob instanceof LocalBlobStore ? [(req, res) => handleLocalBlobRequest(blob, req, res)] : [],
      },
      { host: config.HOST, port: config.PORT },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { router, subgraphs, resources, publicUrl, stop };
}
