import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file runs from cli/dist/test). */
export const repoRoot = resolve(__dirname, '../../..');
const cliMain = join(repoRoot, 'cli/dist/src/main.js');

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The all-in-one platform (`npm start`) running as a child process on a free port with a fresh data directory. */
export interface TestPlatform {
  url: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `node router/dist/src/all-in-one.js` and waits until /readyz answers 200. */
export async function startAllInOne(env: Record<string, string> = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aitip-cli-platform-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'router/dist/src/all-in-one.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), AITIP_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const platform: TestPlatform = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
  try {
    await waitUntil(
      async () => (await fetch(`${platform.url}/readyz`).catch(() => undefined))?.status === 200,
      120_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: the platform did not become ready:\n${output}`);
  }
  return platform;
}

/** The first-run setup token the users subgraph wrote into the data directory. */
export async function setupToken(platform: TestPlatform): Promise<string> {
  const file = join(platform.dataDir, 'setup-token');
  await waitUntil(async () => existsSync(file) && readFileSync(file, 'utf8').trim().length > 0, 60_000).catch(() => {
    throw new Error(`no setup token in ${file}:\n${platform.output()}`);
  });
  return readFileSync(file, 'utf8').trim();
}

/** What one CLI run printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI against `url` with its own config directory, optionally piping `input` into stdin. */
export async function aitip(
  url: string,
  configDir: string,
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [cliMain, '--url', url, ...args], {
    env: { ...process.env, AITIP_CONFIG_DIR: configDir, AITIP_API_KEY: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  const code = await new Promise<number | null>((done) => child.once('close', (c) => done(c)));
  return { code, stdout, stderr };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not done within ${timeoutMs} ms`);
}
