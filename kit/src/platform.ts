import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBus, type Bus } from './bus/index.js';
import { createQueue, type Queue } from './queue/index.js';
import { createBlobStore, type BlobStore } from './blob/index.js';
import { EmbeddedPostgres } from './db/embedded.js';
import type { DatabaseTarget } from './db/data-source.js';
import type { Logger } from './log.js';
import { createRateLimiter, type RateLimiter } from './rate-limit/index.js';

/** The adapters a service runs on: embedded by default, real infrastructure when configured. */
export interface PlatformResources {
  database: DatabaseTarget;
  bus: Bus;
  queue: Queue;
  blob: BlobStore;
  /** Shared by every router instance through Redis, or in-process in the embedded mode. */
  rateLimiter: RateLimiter;
  /** Keys for access tokens and organization secrets: configured, or kept in the data directory. */
  keys: PlatformKeys;
  /** Which implementation each adapter uses, for logs and the status page. */
  modes: {
    database: 'postgres' | 'embedded';
    bus: 'redis' | 'memory';
    queue: 'rabbitmq' | 'memory';
    blob: 's3' | 'local';
  };
  close(): Promise<void>;
}

/** The platform's own keys. */
export interface PlatformKeys {
  /** Signs and verifies access tokens (HS256). */
  tokenSecret: string;
  /** Encrypts organization secrets (AES-256-GCM after SHA-256). */
  masterKey: string;
}

export interface PlatformResourceConfig {
  DATABASE_URL?: string;
  REDIS_URL?: string;
  AMQP_URL?: string;
  S3_ENDPOINT?: string;
  S3_ACCESS_KEY?: string;
  S3_SECRET_KEY?: string;
  S3_BUCKET: string;
  S3_REGION: string;
  AITIP_DATA_DIR: string;
  AUTH_TOKEN_SECRET?: string;
  AITIP_MASTER_KEY?: string;
}

/**
 * The secret the router and subgraphs sign identities and local blob URLs with: the configured
 * one, or one generated on first start and kept in the data directory so restarts reuse it.
 */
export function resolveInternalSecret(configured: string | undefined, dataDir: string): string {
  return resolveDataDirSecret('internal-secret', configured, dataDir);
}

/** The configured keys, or ones generated on first start and kept in the data directory. */
export function resolvePlatformKeys(config: PlatformResourceConfig): PlatformKeys {
  return {
    tokenSecret: resolveDataDirSecret('token-secret', config.AUTH_TOKEN_SECRET, config.AITIP_DATA_DIR),
    masterKey: resolveDataDirSecret('master-key', config.AITIP_MASTER_KEY, config.AITIP_DATA_DIR),
  };
}

/** A configured secret, or one generated once and kept (mode 0600) as `<dataDir>/<name>`. */
export function resolveDataDirSecret(name: string, configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(resolve(dataDir), name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(resolve(dataDir), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** Opens every adapter; `publicBaseUrl` is where the router serves local blob URLs. */
export async function openPlatformResources(
  config: PlatformResourceConfig,
  options: { logger: Logger; signingSecret: string; publicBaseUrl: string },
): Promise<PlatformResources> {
  const { logger } = options;
  const dataDir = resolve(config.AITIP_DATA_DIR);
  const opened: Array<() => Promise<void>> = [];
  try {
    let database: DatabaseTarget;
    if (config.DATABASE_URL) {
      database = { url: config.DATABASE_URL };
    } else {
      const embedded = await EmbeddedPostgres.open(join(dataDir, 'pgdata'));
      opened.push(() => embedded.close());
      database = { embedded };
    }
    const bus = createBus({ redisUrl: config.REDIS_URL, logger });
    opened.push(() => bus.close());
    const queue = createQueue({ amqpUrl: config.AMQP_URL, logger });
    opened.push(() => queue.close());
    const rateLimiter = createRateLimiter({ redisUrl: config.REDIS_URL, logger });
    opened.push(() => rateLimiter.close());
    const s3 =
      config.S3_ENDPOINT && config.S3_ACCESS_KEY && config.S3_SECRET_KEY
        ? {
            endpoint: config.S3_ENDPOINT,
            accessKey: config.S3_ACCESS_KEY,
            secretKey: config.S3_SECRET_KEY,
            bucket: config.S3_BUCKET,
            region: config.S3_REGION,
          }
        : undefined;
    const blob = createBlobStore({
      s3,
      localDir: join(dataDir, 'blobs'),
      publicBaseUrl: options.publicBaseUrl,
      signingSecret: options.signingSecret,
      logger,
    });
    await blob.ensureReady();
    const modes = {
      database: config.DATABASE_URL ? ('postgres' as const) : ('embedded' as const),
      bus: config.REDIS_URL ? ('redis' as const) : ('memory' as const),
      queue: config.AMQP_URL ? ('rabbitmq' as const) : ('memory' as const),
      blob: s3 ? ('s3' as const) : ('local' as const),
    };
    logger.info({ adapters: modes }, 'platform adapters ready');
    return {
      database,
      bus,
      queue,
      blob,
      rateLimiter,
      keys: resolvePlatformKeys(config),
      modes,
      async close() {
        for (const close of opened.reverse())
          await close().catch((err: unknown) => logger.warn({ err }, 'close failed'));
      },
    };
  } catch (err) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw err;
  }
}
