// Shared by the web tests: starts the whole platform (router + subgraphs, `npm start`'s entry)
// on a free port with a fresh data directory, and drives Chromium through playwright-core.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const allInOneEntry = path.join(repoRoot, 'router/dist/src/all-in-one.js');
const webDist = path.join(repoRoot, 'web/dist');

const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;
const SETUP_TOKEN_TIMEOUT_MS = 30_000;

/** How long a test waits for the UI to show something. */
export const UI_TIMEOUT_MS = 20_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Fails early, with what to run, when the build the tests need is missing. */
export function assertBuilt({ needPlatform }) {
  if (needPlatform) {
    assert.ok(
      existsSync(allInOneEntry),
      `${allInOneEntry} is missing; run \`npm run build\` at the repository root first`,
    );
  }
  assert.ok(
    existsSync(path.join(webDist, 'index.html')) && existsSync(path.join(webDist, 'playground.html')),
    'web/dist is not built; run `npm run build -w @aitip/web` first',
  );
}

/**
 * Starts the platform in all-in-one mode (embedded adapters) with a fresh AITIP_DATA_DIR.
 * Returns its URL, data directory, a way to read its output, and stop().
 */
export async function startPlatform(dataDirPrefix) {
  assertBuilt({ needPlatform: true });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), dataDirPrefix));
  let output = '';
  const child = spawn(process.execPath, [allInOneEntry], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), AITIP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const tail = () => output.split('\n').slice(-80).join('\n');

  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(true), EXIT_TIMEOUT_MS)),
    ]);
    if (timedOut) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the platform did not exit within ${EXIT_TIMEOUT_MS / 1000} s of SIGINT:\n${tail()}`);
    }
  }

  const platform = {
    baseUrl,
    dataDir,
    process: child,
    tail,
    stop,
    /** Stops the platform and removes its data directory. */
    async dispose() {
      try {
        await stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
  try {
    await waitUntilReady(baseUrl, platform);
  } catch (error) {
    await platform.dispose();
    throw error;
  }
  return platform;
}

/** Waits until /readyz answers 200 (every subgraph healthy). */
export async function waitUntilReady(baseUrl, platform) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (platform && platform.process.exitCode !== null) {
      throw new Error(
        `the platform exited with code ${platform.process.exitCode} before it was ready:\n${platform.tail()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      lastProblem = `/readyz answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      lastProblem = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `the platform was not ready within ${READY_TIMEOUT_MS / 1000} s (${lastProblem}):\n${platform?.tail() ?? ''}`,
  );
}

/** The one-time setup token the users subgraph writes to `<AITIP_DATA_DIR>/setup-token`. */
export async function readSetupToken(dataDir) {
  const file = path.join(dataDir, 'setup-token');
  const deadline = Date.now() + SETUP_TOKEN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const token = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${file} did not appear within ${SETUP_TOKEN_TIMEOUT_MS / 1000} s`);
}

/** POSTs a GraphQL operation as JSON and returns the decoded answer. */
export async function postGraphQL(baseUrl, query, variables = {}, headers = {}) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/** Posts a GraphQL operation and answers its data, failing with the API's errors when there are any. */
export async function callGraphQL(baseUrl, query, variables, headers) {
  const answer = await postGraphQL(baseUrl, query, variables, headers);
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return answer.data;
}

/**
 * Signs up the first account of a new platform with its setup token and creates an organization as
 * that account, through the API; answers the account's access token and the organization's id.
 */
export async function signUpFirstOwner(platform, owner, organization) {
  const { signUp } = await callGraphQL(
    platform.baseUrl,
    `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { ...owner, setupToken: await readSetupToken(platform.dataDir) } },
  );
  const { createOrganization } = await callGraphQL(
    platform.baseUrl,
    `mutation CreateOrganization($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`,
    { input: organization },
    { authorization: `Bearer ${signUp.accessToken}` },
  );
  return { accessToken: signUp.accessToken, organizationId: createOrganization.id };
}

/** Headless Chromium from Debian, with no traffic of its own. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A fresh browser context and page that record page errors and requests leaving the origin. */
export async function openPage(browser, baseUrl) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors = [];
  const foreignRequests = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${baseUrl}/`) && !/^(data|blob):/.test(url)) foreignRequests.push(url);
  });
  return { page, context, pageErrors, foreignRequests };
}

/** Signs in through the web UI's sign-in page and waits until the header shows the user. */
export async function signInThroughUi(page, baseUrl, { email, password }) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).waitFor({ timeout: UI_TIMEOUT_MS });
}
