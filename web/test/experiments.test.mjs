// End-to-end test of the Experiments pages in a real browser against the whole platform
// (embedded mode): experiments and runs seeded through the GraphQL API show in the list and in a
// virtualized runs table that pages on scroll, sorts, filters with MLflow's language (and shows
// the API's error for a malformed filter) and follows new runs live; a run page shows params,
// tags, artifacts and metric charts that take new points while open; the compare view
// highlights the params that differ.
//
// Needs `npm run build` first (router/dist and web/dist). It always starts its own platform: the
// first sign-up needs the one-time setup token of a new instance.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import {
  UI_TIMEOUT_MS,
  callGraphQL,
  launchBrowser,
  openPage,
  signInThroughUi,
  signUpFirstOwner,
  startPlatform,
} from './platform.mjs';

const owner = { email: 'ada@example.com', displayName: 'Ada Owner', password: 'ada-password-123' };

// More runs than one page of the runs table (200), so scrolling has to load the rest.
const MANY_RUNS = 250;
// Seeding requests in flight at once.
const SEED_CONCURRENCY = 8;

/** @type {Awaited<ReturnType<typeof startPlatform>> | undefined} */
let platform;
/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  // startPlatform passes its own environment on to the platform. Seeding hundreds of runs takes
  // more mutations than a person makes, so the per-user and per-organization mutation limits go.
  process.env.RATE_LIMIT_MUTATION = 'off';
  process.env.RATE_LIMIT_ORG_MUTATION = 'off';
  platform = await startPlatform('aitip-web-experiments-');
  browser = await launchBrowser();
  await signUpFirstOwner(platform, owner, { name: 'Model Lab', slug: 'model-lab' });
});

after(async () => {
  await browser?.close();
  await platform?.dispose();
});

/**
 * A signed-in page and a way to call the API as its user in its organization. Presigned blob
 * URLs name the platform's PUBLIC_URL (http://localhost:<port>) while the page is on
 * 127.0.0.1: the same platform, so those are not foreign.
 */
async function signedInPage() {
  assert.ok(browser && platform);
  const { baseUrl } = platform;
  const opened = await openPage(browser, baseUrl);
  await signInThroughUi(opened.page, baseUrl, owner);
  const session = JSON.parse(await opened.page.evaluate(() => window.localStorage.getItem('aitip.session') ?? 'null'));
  const headers = { authorization: `Bearer ${session.accessToken}`, 'x-aitip-org': session.activeOrgId };
  const api = (query, variables = {}) => callGraphQL(baseUrl, query, variables, headers);
  const blobOrigin = `http://localhost:${new URL(baseUrl).port}/blob/`;
  const foreign = () => opened.foreignRequests.filter((url) => !url.startsWith(blobOrigin));
  return { ...opened, api, foreign };
}

/** Runs `work` over `items`, a few at a time. */
async function inBatches(items, work) {
  for (let start = 0; start < items.length; start += SEED_CONCURRENCY) {
    await Promise.all(items.slice(start, start + SEED_CONCURRENCY).map(work));
  }
}

async function createExperiment(api, name, description) {
  const { createExperiment } = await api(
    `mutation CreateExperiment($name: String!, $description: String, $tags: [TagInput!]) {
      createExperiment(name: $name, description: $description, tags: $tags) { id }
    }`,
    { name, description, tags: [{ key: 'team', value: 'vision' }] },
  );
  return createExperiment.id;
}

/**
 * Creates a run with params, tags and metrics (each metric a list of values at steps 0, 1, …)
 * and marks it FINISHED unless told otherwise; answers its id.
 */
async function createRun(api, experimentId, { name, params = {}, tags = {}, metrics = {}, finished = true }) {
  const { createRun } = await api(
    `mutation CreateRun($experimentId: ID!, $name: String) { createRun(experimentId: $experimentId, name: $name) { id } }`,
    { experimentId, name },
  );
  const now = Date.now();
  await logRunData(api, createRun.id, {
    params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).flatMap(([key, values]) =>
      values.map((value, step) => ({ key, value, step, timestamp: now + step })),
    ),
  });
  if (finished) {
    await api(`mutation Finish($id: ID!) { updateRun(id: $id, status: FINISHED) { id } }`, { id: createRun.id });
  }
  return createRun.id;
}

async function logRunData(api, runId, { params = [], tags = [], metrics = [] }) {
  await api(
    `mutation Log($runId: ID!, $metrics: [MetricInput!], $params: [ParamInput!], $tags: [TagInput!]) {
      logRunData(runId: $runId, metrics: $metrics, params: $params, tags: $tags) { id }
    }`,
    { runId, metrics, params, tags },
  );
}

/** Opens an experiment from the list. @param {import('playwright-core').Page} page */
async function openExperiment(page, name) {
  await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Experiments' }).click();
  await page.getByRole('heading', { name: 'Experiments', exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
  await page.getByRole('table', { name: 'Experiments' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
}

/** The runs table's row of a run, by its name. @param {import('playwright-core').Page} page */
function runRow(page, name) {
  return page
    .getByRole('table', { name: 'Runs' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader').getByText(name, { exact: true }) });
}

/** Names of the runs the table shows, top to bottom. @param {import('playwright-core').Page} page */
async function shownRunNames(page) {
  return page.getByRole('table', { name: 'Runs' }).locator('tbody tr[aria-rowindex] th').allInnerTexts();
}

/** Applies a filter in the runs table's filter box. @param {import('playwright-core').Page} page */
async function applyFilter(page, filter) {
  const form = page.getByRole('form', { name: 'Run filter' });
  await form.getByLabel('Filter runs').fill(filter);
  await form.getByRole('button', { name: 'Apply' }).click();
}

/** Waits until the "runs loaded" line says all `count` runs are in. @param {import('playwright-core').Page} page */
async function waitForAllRuns(page, count) {
  await page
    .getByRole('status', { name: 'Runs loaded' })
    .getByText(`${count} runs`, { exact: true })
    .waitFor({ timeout: UI_TIMEOUT_MS });
}

test('the list shows an experiment; its runs table pages on scroll, draws only the rows in view, sorts and shows new runs live', async () => {
  const { page, context, pageErrors, foreign, api } = await signedInPage();
  try {
    const experimentId = await createExperiment(api, 'mnist-sweep', 'Learning-rate sweep');
    const names = Array.from({ length: MANY_RUNS }, (_, index) => `sweep-${String(index).padStart(3, '0')}`);
    // Created in order (a few at a time), so sweep-249 is among the newest; the latest rmse falls with the index.
    await inBatches(
      names.map((name, index) => ({ name, index })),
      ({ name, index }) =>
        createRun(api, experimentId, {
          name,
          params: { lr: (index + 1) / 10_000, model: index % 2 === 0 ? 'cnn' : 'mlp' },
          metrics: { rmse: [2, 1 + 1 / (index + 1)] },
        }),
    );

    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Experiments' }).click();
    const list = page.getByRole('table', { name: 'Experiments' });
    const listRow = list.getByRole('row').filter({ has: page.getByRole('rowheader').getByText('mnist-sweep') });
    await listRow.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await listRow.getByRole('cell').first().innerText(), String(MANY_RUNS));
    await listRow.getByText('Learning-rate sweep').waitFor();

    await openExperiment(page, 'mnist-sweep');
    const table = page.getByRole('table', { name: 'Runs' });
    await table.getByRole('link', { name: 'sweep-249' }).waitFor({ timeout: UI_TIMEOUT_MS });
    // The first page is in; the table draws only the rows near the view.
    await page
      .getByRole('status', { name: 'Runs loaded' })
      .getByText(/runs loaded, more on scroll/)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    const drawn = await table.locator('tbody tr[aria-rowindex]').count();
    assert.ok(drawn > 0 && drawn < 100, `${drawn} rows drawn of ${MANY_RUNS}`);
    // The chosen columns show params and metrics.
    await table.getByRole('columnheader', { name: 'metrics.rmse' }).waitFor();
    await table.getByRole('columnheader', { name: 'params.lr' }).waitFor();

    // Scrolling to the end loads the rest and draws the oldest run.
    await page.waitForFunction(
      (count) => {
        const scroller = document.querySelector('.runs-scroll');
        if (scroller) scroller.scrollTop = scroller.scrollHeight;
        const status = document.querySelector('[aria-label="Runs loaded"]');
        return status?.textContent?.trim() === `${count} runs`;
      },
      MANY_RUNS,
      { timeout: UI_TIMEOUT_MS, polling: 200 },
    );
    await table.getByRole('link', { name: 'sweep-000' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.ok((await table.locator('tbody tr[aria-rowindex]').count()) < 100);

    // Sorting by a metric asks the API for that order: highest rmse first, then lowest first.
    await table.getByRole('button', { name: 'metrics.rmse' }).click();
    await page.waitForFunction(
      () => document.querySelector('.runs-table tbody tr[aria-rowindex="2"] th')?.textContent === 'sweep-000',
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    assert.equal(
      await table.getByRole('columnheader', { name: 'metrics.rmse' }).getAttribute('aria-sort'),
      'descending',
    );
    await table.getByRole('button', { name: 'metrics.rmse' }).click();
    await page.waitForFunction(
      () => document.querySelector('.runs-table tbody tr[aria-rowindex="2"] th')?.textContent === 'sweep-249',
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    // A third press goes back to the default order (newest first).
    await table.getByRole('button', { name: 'metrics.rmse' }).click();
    await table.locator('thead th[aria-sort="ascending"], thead th[aria-sort="descending"]').waitFor({
      state: 'detached',
      timeout: UI_TIMEOUT_MS,
    });

    // A run created while the page is open appears without a reload, at the top (newest first).
    await page.locator('.runs-scroll').evaluate((scroller) => (scroller.scrollTop = 0));
    await createRun(api, experimentId, { name: 'late-arrival', params: { lr: 1 }, finished: false });
    await runRow(page, 'late-arrival').waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal((await shownRunNames(page))[0], 'late-arrival');
    assert.equal(await runRow(page, 'late-arrival').getByRole('cell').nth(1).innerText(), 'running');
    // Added to the first page (the rest loads on scroll as before).
    await page
      .getByRole('status', { name: 'Runs loaded' })
      .getByText('201 runs loaded, more on scroll')
      .waitFor({ timeout: UI_TIMEOUT_MS });

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('the filter box filters runs with MLflow syntax and shows the API error naming the offending token', async () => {
  const { page, context, pageErrors, foreign, api } = await signedInPage();
  try {
    const experimentId = await createExperiment(api, 'filter-lab', 'Filters');
    const runs = [
      { name: 'cnn-small', params: { model: 'cnn', lr: 0.01 }, metrics: { rmse: [0.9, 0.4] } },
      { name: 'cnn-large', params: { model: 'cnn', lr: 0.001 }, metrics: { rmse: [0.8, 0.2] } },
      { name: 'mlp-small', params: { model: 'mlp', lr: 0.01 }, metrics: { rmse: [1.2, 0.7] } },
      { name: 'mlp-large', params: { model: 'mlp', lr: 0.001 }, metrics: { rmse: [1.1, 0.6] } },
    ];
    for (const run of runs) await createRun(api, experimentId, { ...run, tags: { team: 'vision' } });

    await openExperiment(page, 'filter-lab');
    await waitForAllRuns(page, 4);

    await applyFilter(page, "params.model = 'cnn'");
    await runRow(page, 'mlp-small').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await waitForAllRuns(page, 2);
    assert.deepEqual((await shownRunNames(page)).sort(), ['cnn-large', 'cnn-small']);

    await applyFilter(page, "params.model = 'cnn' and metrics.rmse < 0.3");
    await runRow(page, 'cnn-small').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await waitForAllRuns(page, 1);
    assert.deepEqual(await shownRunNames(page), ['cnn-large']);

    // OR is not part of MLflow's grammar: the API's message names the token and its column.
    await applyFilter(page, "params.model = 'cnn' or metrics.rmse < 1");
    const alert = page.getByRole('form', { name: 'Run filter' }).getByRole('alert');
    await alert.waitFor({ timeout: UI_TIMEOUT_MS });
    const message = await alert.innerText();
    assert.match(message, /column 22/, message);
    assert.match(message, /\bor\b/i, message);
    assert.equal(
      await page.getByRole('form', { name: 'Run filter' }).getByLabel('Filter runs').getAttribute('aria-invalid'),
      'true',
    );
    assert.deepEqual(await shownRunNames(page), []);

    // Clearing the filter brings every run back.
    await page.getByRole('form', { name: 'Run filter' }).getByRole('button', { name: 'Clear' }).click();
    await alert.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await waitForAllRuns(page, 4);

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('a run page shows params, tags, artifacts and a metric chart that takes new points while open', async () => {
  const { page, context, pageErrors, foreign, api } = await signedInPage();
  try {
    const experimentId = await createExperiment(api, 'live-lab', 'Live metrics');
    const runId = await createRun(api, experimentId, {
      name: 'training-1',
      params: { lr: 0.003, optimizer: 'adam' },
      tags: { team: 'vision' },
      metrics: { loss: [1, 0.8, 0.6, 0.5, 0.45, 0.4, 0.37, 0.35, 0.34, 0.33] },
      finished: false,
    });
    // Two artifacts, one in a folder, uploaded the way a client does: to presigned URLs.
    const { artifactUploadUrls } = await api(
      `mutation Urls($runId: ID!, $paths: [String!]!) { artifactUploadUrls(runId: $runId, paths: $paths) { path url } }`,
      { runId, paths: ['summary.json', 'model/weights.bin'] },
    );
    for (const target of artifactUploadUrls) {
      const body = target.path === 'summary.json' ? '{"loss": 0.33}' : Buffer.alloc(2048, 7);
      const response = await fetch(target.url, { method: 'PUT', body });
      assert.ok(response.ok, `PUT ${target.path}: ${response.status} ${await response.text()}`);
    }

    await openExperiment(page, 'live-lab');
    await runRow(page, 'training-1').getByRole('link', { name: 'training-1' }).click();
    await page.getByRole('heading', { name: 'training-1', exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(new URL(page.url()).pathname, /^\/experiments\/runs\/[^/]+$/);
    assert.equal(await page.getByRole('definition').first().innerText(), 'running');

    const valueOf = async (tableName, key) =>
      page
        .getByRole('table', { name: tableName, exact: true })
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader').getByText(key, { exact: true }) })
        .getByRole('cell')
        .innerText();
    assert.equal(await valueOf('Params', 'lr'), '0.003');
    assert.equal(await valueOf('Params', 'optimizer'), 'adam');
    assert.equal(await valueOf('Tags', 'team'), 'vision');

    // The chart is a canvas (uPlot), captioned with the latest point.
    const chart = page.getByRole('figure', { name: 'Chart of loss' });
    await chart.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.ok((await chart.locator('canvas').count()) >= 1, 'the chart draws on a canvas');
    assert.equal(await chart.locator('svg circle, svg path').count(), 0, 'no SVG element per point');
    await chart.getByText('last 0.33 at step 9 · 10 points').waitFor({ timeout: UI_TIMEOUT_MS });

    // A point logged while the page is open reaches the chart without a reload.
    await page
      .getByRole('heading', { name: /Metric charts/ })
      .getByRole('status')
      .getByText('Live', { exact: true })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await logRunData(api, runId, { metrics: [{ key: 'loss', value: 0.25, step: 10, timestamp: Date.now() }] });
    await chart.getByText('last 0.25 at step 10 · 11 points').waitFor({ timeout: UI_TIMEOUT_MS });
    // A new metric gets a chart of its own.
    await logRunData(api, runId, { metrics: [{ key: 'accuracy', value: 0.91, step: 10, timestamp: Date.now() }] });
    await page
      .getByRole('figure', { name: 'Chart of accuracy' })
      .getByText('last 0.91 at step 10 · 1 point')
      .waitFor({ timeout: UI_TIMEOUT_MS });

    // The run finishing shows on the page too.
    await api(`mutation Finish($id: ID!) { updateRun(id: $id, status: FINISHED) { id } }`, { id: runId });
    await page.getByRole('definition').first().getByText('finished').waitFor({ timeout: UI_TIMEOUT_MS });

    // Artifacts: a folder opens in place, files link to a download that answers their content.
    const artifacts = page.getByRole('table', { name: 'Artifacts' });
    const summaryLink = artifacts.getByRole('link', { name: 'Download summary.json' });
    await summaryLink.waitFor({ timeout: UI_TIMEOUT_MS });
    const download = await page.request.get(/** @type {string} */ (await summaryLink.getAttribute('href')));
    assert.equal(download.status(), 200);
    assert.equal(await download.text(), '{"loss": 0.33}');
    await artifacts.getByRole('button', { name: 'model/' }).click();
    await artifacts.getByRole('link', { name: 'Download model/weights.bin' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await artifacts.getByRole('row').nth(1).getByRole('cell').first().innerText(), '2.00 KiB');

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('the compare view overlays metric charts and highlights the params that differ', async () => {
  const { page, context, pageErrors, foreign, api } = await signedInPage();
  try {
    const experimentId = await createExperiment(api, 'compare-lab', 'Comparisons');
    await createRun(api, experimentId, {
      name: 'baseline',
      params: { lr: 0.01, epochs: 10, model: 'cnn' },
      metrics: { rmse: [1, 0.7, 0.5], accuracy: [0.5, 0.7, 0.8] },
    });
    await createRun(api, experimentId, {
      name: 'tuned',
      params: { lr: 0.001, epochs: 10, model: 'cnn' },
      metrics: { rmse: [1, 0.6, 0.3], accuracy: [0.5, 0.8, 0.9] },
    });
    await createRun(api, experimentId, { name: 'ignored', params: { lr: 0.1, epochs: 1, model: 'mlp' } });

    await openExperiment(page, 'compare-lab');
    await waitForAllRuns(page, 3);
    const compare = page.getByRole('button', { name: /^Compare/ });
    assert.equal(await compare.isDisabled(), true);
    await page.getByRole('checkbox', { name: 'Select baseline' }).check();
    await page.getByRole('checkbox', { name: 'Select tuned' }).check();
    await page.getByRole('button', { name: 'Compare 2 runs' }).click();
    await page.getByRole('heading', { name: 'Compare 2 runs' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(page.url(), /\/experiments\/compare\?runs=/);

    const params = page.getByRole('table', { name: 'Params of the compared runs' });
    const paramRow = (key) =>
      params.getByRole('row').filter({ has: page.getByRole('rowheader').getByText(key, { exact: true }) });
    await paramRow('lr').waitFor({ timeout: UI_TIMEOUT_MS });
    assert.deepEqual(await params.getByRole('columnheader').allTextContents(), ['Param', 'baseline', 'tuned']);
    assert.match((await paramRow('lr').getAttribute('class')) ?? '', /\bparam-differs\b/);
    await paramRow('lr').getByText('differs').waitFor();
    assert.deepEqual(await paramRow('lr').getByRole('cell').allInnerTexts(), ['0.01', '0.001']);
    for (const same of ['epochs', 'model']) {
      assert.doesNotMatch((await paramRow(same).getAttribute('class')) ?? '', /param-differs/);
      assert.equal(await paramRow(same).getByText('differs').count(), 0);
    }
    // "Only differing params" leaves the lr row alone.
    await page.getByLabel('Only differing params').check();
    await paramRow('epochs').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    assert.equal(await paramRow('lr').count(), 1);

    // One canvas chart per metric with a line per run, and the param-against-metric scatter.
    for (const key of ['accuracy', 'rmse']) {
      const chart = page.getByRole('figure', { name: `Chart of ${key}` });
      await chart.locator('canvas').first().waitFor({ timeout: UI_TIMEOUT_MS });
      await chart.getByText('2 runs').waitFor();
    }
    const scatter = page.getByRole('figure', { name: /^Scatter of lr against / });
    await scatter.locator('canvas').first().waitFor({ timeout: UI_TIMEOUT_MS });
    await scatter.getByText('2 of 2 runs have both').waitFor();

    const metrics = page.getByRole('table', { name: 'Metrics of the compared runs' });
    const rmse = metrics
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader').getByText('rmse', { exact: true }) });
    assert.deepEqual(await rmse.getByRole('cell').allInnerTexts(), ['0.5', '0.3']);

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('the MLflow example script logs a run the web UI shows, its chart growing while the script runs', async () => {
  assert.ok(platform);
  const { page, context, pageErrors, foreign, api } = await signedInPage();
  let script;
  try {
    const { createApiKey } = await api(
      `mutation Key($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'mlflow script', scopes: ['experiments:read', 'experiments:write'] } },
    );
    // the example as a user runs it: python3, the standard library, MLflow's environment variables
    script = spawn('python3', [fileURLToPath(new URL('../../examples/mlflow-rest/log_run.py', import.meta.url))], {
      env: {
        ...process.env,
        MLFLOW_TRACKING_URI: platform.baseUrl,
        MLFLOW_TRACKING_TOKEN: createApiKey.secret,
        MLFLOW_EXPERIMENT_NAME: 'mlflow-script',
        EPOCHS: '40',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    script.stdout.on('data', (chunk) => (output += chunk));
    script.stderr.on('data', (chunk) => (output += chunk));
    const exited = once(script, 'exit');
    let running = true;
    void exited.then(() => (running = false));

    // the run, as soon as the script has made it
    let runId;
    for (let tries = 0; !runId && tries < 300; tries += 1) {
      const { experimentByName } = await api(`query Find($name: String!) { experimentByName(name: $name) { id } }`, {
        name: 'mlflow-script',
      });
      if (experimentByName) {
        const { searchRuns } = await api(
          `query Runs($ids: [ID!]!) { searchRuns(experimentIds: $ids) { items { id } } }`,
          {
            ids: [experimentByName.id],
          },
        );
        runId = searchRuns.items[0]?.id;
      }
      if (!runId) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(runId, `the script made no run: ${output}`);

    await page.goto(`${platform.baseUrl}/experiments/runs/${runId}`);
    const chart = page.getByRole('figure', { name: 'Chart of loss' });
    await chart.waitFor({ timeout: UI_TIMEOUT_MS });
    const pointsShown = async () => {
      const caption = await chart.getByText(/ · \d+ points?$/).innerText();
      return Number(/ · (\d+) points?$/.exec(caption)?.[1]);
    };
    const first = await pointsShown();
    // new epochs reach the open page without a reload, while the script is still logging
    let later = first;
    while (later <= first && running) {
      await page.waitForTimeout(200);
      later = await pointsShown();
    }
    assert.ok(later > first, `the chart stayed at ${first} points until the script ended`);
    assert.ok(running, 'the chart grew while the script ran');

    const [code] = await exited;
    assert.equal(code, 0, output);
    await chart.getByText(/· 40 points$/).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('definition').first().getByText('finished').waitFor({ timeout: UI_TIMEOUT_MS });
    await page
      .getByRole('table', { name: 'Artifacts' })
      .getByRole('link', { name: 'Download summary.json' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    script?.kill();
    await context.close();
  }
});
