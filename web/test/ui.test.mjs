// End-to-end test of the web shell and the GraphQL playground in a real browser against the
// whole platform (router + eleven subgraphs) started as one process.
//
// Needs `npm run build` first (router/dist and web/dist). Set AITIP_WEB_TEST_URL to test an
// already running router instead of starting one (e.g. while working on the UI).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const allInOneEntry = path.join(repoRoot, 'router/dist/src/all-in-one.js');
const webDist = path.join(repoRoot, 'web/dist');

const SUBGRAPH_NAMES = [
  'users',
  'datasets',
  'training',
  'inference',
  'experiments',
  'agent',
  'simulation',
  'scheduler',
  'resources',
  'releases',
  'tests',
];
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;
const UI_TIMEOUT_MS = 20_000;

/** @type {import('node:child_process').ChildProcess | undefined} */
let platform;
let platformOutput = '';
let dataDir = '';
let baseUrl = process.env.AITIP_WEB_TEST_URL?.replace(/\/$/, '') ?? '';
/** @type {import('playwright-core').Browser | undefined} */
let browser;

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

function tailOfOutput() {
  return platformOutput.split('\n').slice(-80).join('\n');
}

async function waitUntilReady(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (platform && platform.exitCode !== null) {
      throw new Error(`the platform exited with code ${platform.exitCode} before it was ready:\n${tailOfOutput()}`);
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      lastProblem = `/readyz answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      lastProblem = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `the platform was not ready within ${READY_TIMEOUT_MS / 1000} s (${lastProblem}):\n${tailOfOutput()}`,
  );
}

async function stopPlatform() {
  if (!platform || platform.exitCode !== null || platform.signalCode !== null) return;
  const exited = new Promise((resolve) => platform?.once('exit', resolve));
  platform.kill('SIGINT');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise((resolve) => setTimeout(() => resolve(true), EXIT_TIMEOUT_MS)),
  ]);
  if (timedOut) {
    platform.kill('SIGKILL');
    await exited;
    throw new Error(`the platform did not exit within ${EXIT_TIMEOUT_MS / 1000} s of SIGINT:\n${tailOfOutput()}`);
  }
}

/** A fresh browser page that records page errors and requests leaving the origin. */
async function openPage() {
  assert.ok(browser);
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

before(async () => {
  if (!baseUrl) {
    assert.ok(
      existsSync(allInOneEntry),
      `${allInOneEntry} is missing; run \`npm run build\` at the repository root first`,
    );
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    dataDir = await mkdtemp(path.join(tmpdir(), 'aitip-web-ui-'));
    platform = spawn(process.execPath, [allInOneEntry], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), AITIP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    platform.stdout?.on('data', (chunk) => (platformOutput += chunk));
    platform.stderr?.on('data', (chunk) => (platformOutput += chunk));
  }
  assert.ok(
    existsSync(path.join(webDist, 'index.html')) && existsSync(path.join(webDist, 'playground.html')),
    'web/dist is not built; run `npm run build -w @aitip/web` first',
  );
  await waitUntilReady(baseUrl);
  browser = await chromium.launch({
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
});

after(async () => {
  await browser?.close();
  try {
    await stopPlatform();
  } finally {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
});

test('the status page shows every subgraph healthy', async () => {
  const { page, context, pageErrors, foreignRequests } = await openPage();
  try {
    await page.goto(`${baseUrl}/`);
    await page
      .getByText(`${SUBGRAPH_NAMES.length} of ${SUBGRAPH_NAMES.length} subgraphs healthy`)
      .waitFor({ timeout: UI_TIMEOUT_MS });

    // The shell's own GraphQL query (urql, HTTP POST /graphql) goes through the router.
    await page.getByText('answering', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });

    const rows = page.locator('table tbody tr');
    assert.equal(await rows.count(), SUBGRAPH_NAMES.length);
    for (const name of SUBGRAPH_NAMES) {
      const row = page.getByRole('row').filter({
        has: page.getByRole('rowheader').getByText(name, { exact: true }),
      });
      assert.equal(await row.count(), 1, `one row for subgraph ${name}`);
      assert.equal(await row.getByRole('cell').nth(0).innerText(), 'healthy', `${name} is healthy`);
    }

    // The shell routes on the client: a domain page is an honest placeholder.
    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('heading', { name: 'Datasets' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByText('Not built yet.').waitFor();
    assert.equal(new URL(page.url()).pathname, '/datasets');

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }
});

test('the playground runs a query and shows the response', async () => {
  const { page, context, pageErrors, foreignRequests } = await openPage();
  try {
    await page.goto(`${baseUrl}/playground`);
    const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
    await queryEditor.waitFor({ timeout: UI_TIMEOUT_MS });

    // Replace the default query; insertText types it in one go, without Monaco auto-closing braces.
    await queryEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('query WebUiTest { __typename }');
    // GraphiQL takes in an edit after a short debounce; the tab title shows when it has.
    await page.getByRole('tab', { name: 'WebUiTest' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: /execute query/i }).click();

    const response = await page.waitForFunction(
      () => {
        const lines = document.querySelector('.graphiql-response .view-lines');
        const text = lines?.textContent?.replace(/\u00a0/g, ' ') ?? '';
        return text.includes('"__typename": "Query"') ? text : false;
      },
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    const text = String(await response.jsonValue());
    assert.match(text, /"data": \{/);
    assert.doesNotMatch(text, /"errors"/);

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }
});

test('the status page says so when the router goes away', async (t) => {
  if (!platform) {
    t.skip('AITIP_WEB_TEST_URL is set: the test did not start the platform, so it does not stop it');
    return;
  }
  const { page, context } = await openPage();
  try {
    await page.goto(`${baseUrl}/status`);
    await page.getByText('subgraphs healthy').waitFor({ timeout: UI_TIMEOUT_MS });
    await stopPlatform();
    await page.getByRole('alert').getByText('Cannot reach the AITIP router.').waitFor({ timeout: UI_TIMEOUT_MS });
  } finally {
    await context.close();
  }
});
