#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '@aitip/kit';
import { allInOneConfig } from './config.js';
import { startPlatform, type RunningPlatform } from './platform.js';
import { describeStartupError } from './startup-error.js';

/**
 * `npm start`: every subgraph on a loopback port, the router on PORT, embedded adapters unless
 * DATABASE_URL / REDIS_URL / AMQP_URL / S3_ENDPOINT select real ones. Ctrl-C shuts down cleanly.
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = allInOneConfig(process.argv.slice(2));
  const logger = createLogger('aitip', config.LOG_LEVEL);
  let platform: RunningPlatform | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await platform?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    platform = await startPlatform(config, logger);
  } catch (err) {
    logger.error({ err }, 'start-up failed');
    process.stderr.write(`AITIP failed to start: ${describeStartupError(err, config.PORT)}\n`);
    process.exit(1);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { publicUrl, resources, subgraphs } = platform;
  logger.info(
    { url: platform.router.url, subgraphs: subgraphs.length, adapters: resources.modes, seconds },
    'AITIP ready',
  );
  process.stdout.write(
    `\nAITIP is ready at ${publicUrl}  (${subgraphs.length} subgraphs, ${seconds} s; playground: ${publicUrl}/playground)\n` +
      `Adapters: database ${resources.modes.database}, bus ${resources.modes.bus}, queue ${resources.modes.queue}, blob ${resources.modes.blob}` +
      `${config.DATABASE_URL ? '' : ` (data in ${config.AITIP_DATA_DIR})`}. Press Ctrl-C to stop.\n\n`,
  );
  // the users subgraph writes a one-time setup token while the instance has no accounts
  const setupTokenFile = join(resolve(config.AITIP_DATA_DIR), 'setup-token');
  if (existsSync(setupTokenFile)) {
    const token = readFileSync(setupTokenFile, 'utf8').trim();
    process.stdout.write(
      `First run: no accounts yet. Create the first one at ${publicUrl}/signup?setup=${token}\n` +
        `or in a terminal: npx aitip signup --setup-token ${token}\n` +
        `(the token works once, for 24 hours; it is also in ${setupTokenFile}).\n\n`,
    );
  }
}

void main();
