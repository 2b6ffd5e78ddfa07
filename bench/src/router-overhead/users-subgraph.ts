import { loadConfig, startSubgraphProcess, subgraphEnvSchema } from '@aitip/kit';
import { usersSubgraph } from '@aitip/subgraph-users';

/** The message this process sends its parent once it serves. */
export interface UsersSubgraphReady {
  url: string;
}

/**
 * The users subgraph as its own process on embedded PGlite (the benchmark signs up and creates
 * its organization through the router). Reads the platform's usual variables (PORT,
 * AITIP_DATA_DIR, AITIP_INTERNAL_SECRET, AUTH_TOKEN_SECRET, LOG_LEVEL) and reports
 * `UsersSubgraphReady` over IPC.
 */
async function main(): Promise<void> {
  const config = loadConfig('bench users subgraph', subgraphEnvSchema(0));
  const running = await startSubgraphProcess(usersSubgraph, config);
  const ready: UsersSubgraphReady = { url: running.subgraph.url };
  process.send?.(ready);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`bench users subgraph failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
