import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file is bench/dist/src/harness/paths.js once built). */
export const repositoryRoot = resolve(__dirname, '../../../..');

/** A built entry point of the repository, e.g. `router/dist/src/main.js`; fails with what to run. */
export function builtEntry(relativePath: string): string {
  const path = join(repositoryRoot, relativePath);
  if (!existsSync(path)) throw new Error(`${relativePath} is missing; build first: npx tsc -b`);
  return path;
}

/** A fresh temporary directory for one benchmark run (data dirs, logs, supergraph files). */
export function benchDirectory(benchmark: string): string {
  return mkdtempSync(join(tmpdir(), `aitip-bench-${benchmark}-`));
}

/**
 * The environment for platform processes: this one's, without the variables that would select
 * real infrastructure or secrets instead of the embedded adapters, plus `extra`.
 */
export function platformEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(DATABASE_URL|REDIS_URL|AMQP_URL|S3_|AITIP_|SUBGRAPH_|SUPERGRAPH_|PORT$|HOST$|LOG_|NODE_OPTIONS$|NODE_ENV$|DEBUG$)/.test(
        key,
      )
    )
      delete env[key];
  }
  return { ...env, ...extra };
}
