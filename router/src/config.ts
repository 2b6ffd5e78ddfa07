import { resolve } from 'node:path';
import { z } from 'zod';
import { env, infrastructureEnv, loadConfig } from '@aitip/kit';

/** The repository root, where supergraph.graphql and web/dist live by default. */
export const repoRoot = resolve(__dirname, '../../..');

const subgraphUrls = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const map: Record<string, string> = {};
    for (const pair of (value ?? '').split(',').filter(Boolean)) {
      const [name, url] = pair.split('=');
      if (!name || !url || !/^https?:\/\//.test(url)) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not name=http://host:port/graphql` });
        return z.NEVER;
      }
      map[name.trim()] = url.trim();
    }
    return map;
  })
  .describe('a comma-separated list of name=url pairs, e.g. users=http://users:4101/graphql');

/** Environment of the router process (distributed mode). */
export const routerEnvSchema = z.object({
  ...infrastructureEnv,
  HOST: z.string().default('127.0.0.1').describe('the interface to listen on, e.g. 0.0.0.0 to accept remote clients'),
  PORT: env.port(4000),
  PUBLIC_URL: z.string().url().optional().describe('the public URL of the platform, e.g. https://aitip.example.com'),
  SUPERGRAPH_PATH: z
    .string()
    .default(resolve(repoRoot, 'supergraph.graphql'))
    .describe('a path to a supergraph SDL file'),
  WEB_DIST: z.string().default(resolve(repoRoot, 'web/dist')).describe('the folder of the built web UI'),
  SUBGRAPH_URLS: subgraphUrls,
  LOG_REQUESTS: env.bool(true),
  DEDUPLICATE_QUERIES: env.bool(true),
});

/** Environment of the all-in-one process (`npm start`). */
export const allInOneEnvSchema = routerEnvSchema.extend({
  SUBGRAPH_BASE_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65524)
    .default(0)
    .describe('0 (each subgraph on a free loopback port) or the first of eleven consecutive loopback ports'),
});

export const routerConfig = (argv: string[]) => withSupergraphFlag(loadConfig('router', routerEnvSchema), argv);
export const allInOneConfig = (argv: string[]) => withSupergraphFlag(loadConfig('aitip', allInOneEnvSchema), argv);

/** `--supergraph <file>` on the command line wins over SUPERGRAPH_PATH. */
function withSupergraphFlag<T extends { SUPERGRAPH_PATH: string }>(config: T, argv: string[]): T {
  const i = argv.indexOf('--supergraph');
  if (i >= 0) {
    const path = argv[i + 1];
    if (!path) {
      process.stderr.write('--supergraph needs a file path, e.g. --supergraph ./supergraph.graphql\n');
      process.exit(1);
    }
    return { ...config, SUPERGRAPH_PATH: resolve(path) };
  }
  return config;
}
