import { resolve } from 'node:path';
import { z } from 'zod';
import { env, infrastructureEnv, loadConfig } from '@aitip/kit';
import { RATE_LIMIT_FORMAT, parseRateLimit } from './limits/rate-limit-spec.js';
import { defaultSecuritySettings, type SecuritySettings } from './security.js';

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

const rateLimit = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const spec = parseRateLimit(value);
      if (spec === undefined) {
        ctx.addIssue({ code: 'custom', message: RATE_LIMIT_FORMAT });
        return z.NEVER;
      }
      return spec;
    })
    .describe(RATE_LIMIT_FORMAT);

const limits = defaultSecuritySettings.queryLimits;
const subscriptionLimits = defaultSecuritySettings.subscriptions;
const spec = (name: keyof SecuritySettings['rateLimits']) => {
  const value = defaultSecuritySettings.rateLimits[name];
  return value ? `${value.limit}/${value.windowMs / 1000}s` : 'off';
};

/** The request guards: rate limits, query limits, body size, introspection, CORS, proxies. */
const securityEnv = {
  RATE_LIMIT_QUERY: rateLimit(spec('query')),
  RATE_LIMIT_MUTATION: rateLimit(spec('mutation')),
  RATE_LIMIT_SUBSCRIPTION: rateLimit(spec('subscription')),
  RATE_LIMIT_ORG_QUERY: rateLimit(spec('orgQuery')),
  RATE_LIMIT_ORG_MUTATION: rateLimit(spec('orgMutation')),
  RATE_LIMIT_TRACKING: rateLimit(spec('tracking')),
  RATE_LIMIT_ORG_TRACKING: rateLimit(spec('orgTracking')),
  RATE_LIMIT_ANONYMOUS: rateLimit(spec('anonymous')),
  RATE_LIMIT_AUTH: rateLimit(spec('auth')),
  MAX_QUERY_DEPTH: env.positiveInt(limits.maxDepth, 'the deepest field nesting an operation may have'),
  MAX_QUERY_ALIASES: env.positiveInt(limits.maxAliases, 'aliases per operation'),
  MAX_ROOT_FIELDS: env.positiveInt(limits.maxRootFields, 'top-level fields per operation'),
  MAX_QUERY_COST: env.positiveInt(limits.maxCost, 'the estimated cost an operation may have'),
  MAX_QUERY_LENGTH: env.positiveInt(limits.maxQueryLength, 'characters of query text'),
  MAX_BODY_BYTES: env.positiveInt(defaultSecuritySettings.maxBodyBytes, 'bytes of request body'),
  SUBSCRIPTION_MAX_PER_CONNECTION: env.positiveInt(
    subscriptionLimits.maxPerConnection,
    'subscriptions open at once on one WebSocket connection',
  ),
  SUBSCRIPTION_MAX_PER_PRINCIPAL: env.positiveInt(
    subscriptionLimits.maxPerPrincipal,
    'subscriptions open at once per user or API key (per router)',
  ),
  SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: env.positiveInt(
    subscriptionLimits.maxConnectionsPerPrincipal,
    'subscription connections (WebSocket or SSE) open at once per user or API key (per router)',
  ),
  SUBSCRIPTION_MAX_BUFFERED_EVENTS: env.positiveInt(
    subscriptionLimits.maxBufferedEvents,
    'events waiting for one client subscription before the client is closed as too slow (4413)',
  ),
  SUBSCRIPTION_MAX_BUFFERED_BYTES: env.positiveInt(
    subscriptionLimits.maxBufferedBytes,
    'bytes waiting to be sent to one client before it is closed as too slow (4413)',
  ),
  SUBSCRIPTION_HEARTBEAT_MS: env.positiveInt(
    subscriptionLimits.heartbeatMs,
    'milliseconds between heartbeats to subscription clients and subgraphs',
  ),
  INTROSPECTION: z
    .enum(['authenticated', 'always', 'never'])
    .default('authenticated')
    .describe('who may introspect the schema: authenticated, always or never'),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const origins = (value ?? '')
        .split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter(Boolean);
      const bad = origins.find((o) => o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o));
      if (bad) {
        ctx.addIssue({ code: 'custom', message: `"${bad}" is not an origin like https://app.example.com` });
        return z.NEVER;
      }
      return origins;
    })
    .describe('a comma-separated list of origins such as https://app.example.com,http://localhost:5173 (or *)'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      if (value === 'false' || value === '0') return 0;
      if (value === 'true') return 1;
      const hops = Number(value);
      if (!Number.isInteger(hops) || hops < 0) {
        ctx.addIssue({ code: 'custom', message: 'expected true, false or a number of proxies' });
        return z.NEVER;
      }
      return hops;
    })
    .describe(
      'true (one proxy in front of the router), false, or the number of proxies whose x-forwarded-for to trust',
    ),
};

/** SecuritySettings from a parsed router or all-in-one configuration. */
export function securitySettingsFrom(config: z.infer<z.ZodObject<typeof securityEnv>>): SecuritySettings {
  return {
    rateLimits: {
      query: config.RATE_LIMIT_QUERY,
      mutation: config.RATE_LIMIT_MUTATION,
      subscription: config.RATE_LIMIT_SUBSCRIPTION,
      orgQuery: config.RATE_LIMIT_ORG_QUERY,
      orgMutation: config.RATE_LIMIT_ORG_MUTATION,
      tracking: config.RATE_LIMIT_TRACKING,
      orgTracking: config.RATE_LIMIT_ORG_TRACKING,
      anonymous: config.RATE_LIMIT_ANONYMOUS,
      auth: config.RATE_LIMIT_AUTH,
    },
    queryLimits: {
      maxDepth: config.MAX_QUERY_DEPTH,
      maxAliases: config.MAX_QUERY_ALIASES,
      maxRootFields: config.MAX_ROOT_FIELDS,
      maxCost: config.MAX_QUERY_COST,
      maxQueryLength: config.MAX_QUERY_LENGTH,
    },
    maxBodyBytes: config.MAX_BODY_BYTES,
    introspection: config.INTROSPECTION,
    corsOrigins: config.CORS_ORIGINS,
    trustProxyHops: config.TRUST_PROXY,
    subscriptions: {
      maxPerConnection: config.SUBSCRIPTION_MAX_PER_CONNECTION,
      maxPerPrincipal: config.SUBSCRIPTION_MAX_PER_PRINCIPAL,
      maxConnectionsPerPrincipal: config.SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL,
      maxBufferedEvents: config.SUBSCRIPTION_MAX_BUFFERED_EVENTS,
      maxBufferedBytes: config.SUBSCRIPTION_MAX_BUFFERED_BYTES,
      heartbeatMs: config.SUBSCRIPTION_HEARTBEAT_MS,
    },
  };
}

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
  ...securityEnv,
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
