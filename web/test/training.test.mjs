// End-to-end test of the Training pages in a real browser against the whole platform (embedded
// mode, local backend): a job submitted through the API shows in the list with its status
// changing live; its page follows a 20,000-line log at the tail with only a screenful of rows in
// the DOM, finds a line by search, downloads the log and charts the metrics the job printed; a
// sleeping job is cancelled with the Cancel button; the submit form shows the validator's problems
// and submits a job whose code is an uploaded .tar.gz; a new user's first job: iris uploaded as a
// dataset, examples/tabular-node submitted from its job.yaml and its folder (packed as a .tar.gz by
// the browser), its log and metrics followed and its ONNX model downloaded; a chosen folder's files
// land in the job's working directory, and folders that cannot be packed say why.
//
// Needs `npm run build` first (router/dist and web/dist). It always starts its own platform.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { irisAccuracy } from '../../examples/test/helpers.mjs';
import {
  UI_TIMEOUT_MS,
  callGraphQL,
  launchBrowser,
  openPage,
  signInThroughUi,
  signUpFirstOwner,
  startPlatform,
} from './platform.mjs';

const execFileAsync = promisify(execFile);

const owner = { email: 'grace@example.com', displayName: 'Grace Owner', password: 'grace-password-123' };

// Lines the counting job prints: one on stderr while it waits, the numbered ones, two metric
// lines and a last one.
const NUMBERED_LINES = 20_000;
const TOTAL_LINES = 1 + NUMBERED_LINES + 2 + 1;
// Far fewer than the log's lines: what a virtualized viewer keeps in the DOM (a screenful plus overscan).
const MOST_ROWS_IN_DOM = 200;
// The job runs as long as it takes, or the API's default; a cancelled sleeper never reaches this.
const JOB_UI_TIMEOUT_MS = 90_000;
// How long a dataset upload may take to be validated into a version.
const VALIDATION_TIMEOUT_MS = 90_000;

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));

/** @type {Awaited<ReturnType<typeof startPlatform>> | undefined} */
let platform;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let gateDir = '';

before(async () => {
  platform = await startPlatform('aitip-web-training-');
  browser = await launchBrowser();
  gateDir = await mkdtemp(path.join(tmpdir(), 'aitip-web-training-gate-'));
  await signUpFirstOwner(platform, owner, { name: 'Train Lab', slug: 'train-lab' });
});

after(async () => {
  await browser?.close();
  await platform?.dispose();
  if (gateDir) await rm(gateDir, { recursive: true, force: true });
});

/** A signed-in page and a way to call the API as its user in its organization. */
async function signedInPage() {
  assert.ok(browser && platform);
  const { baseUrl } = platform;
  const opened = await openPage(browser, baseUrl);
  await signInThroughUi(opened.page, baseUrl, owner);
  const session = JSON.parse(await opened.page.evaluate(() => window.localStorage.getItem('aitip.session') ?? 'null'));
  const headers = { authorization: `Bearer ${session.accessToken}`, 'x-aitip-org': session.activeOrgId };
  const api = (query, variables = {}) => callGraphQL(baseUrl, query, variables, headers);
  return { ...opened, api };
}

async function submitJob(api, input) {
  const { submitTrainingJob } = await api(
    `mutation Submit($input: TrainingJobInput!) { submitTrainingJob(input: $input) { id } }`,
    { input: { backend: 'local', runtime: 'node', maxRetries: 0, ...input } },
  );
  return submitTrainingJob.id;
}

/**
 * A program for `node -e` that says on stderr that it waits, waits until `gate` exists (so the
 * test sees the job RUNNING first), then prints the numbered lines and two metric lines.
 */
function countingProgram(gate) {
  return `
    const fs = require('node:fs');
    console.error('waiting for the gate');
    const timer = setInterval(() => {
      if (!fs.existsSync(${JSON.stringify(gate)})) return;
      clearInterval(timer);
      const out = [];
      for (let i = 0; i < ${NUMBERED_LINES}; i += 1) {
        out.push('line ' + i);
        if (i === ${NUMBERED_LINES / 2}) out.push('@aitip ' + JSON.stringify({ metrics: { loss: 0.9 }, step: 0 }));
      }
      out.push('@aitip ' + JSON.stringify({ metrics: { loss: 0.3 }, step: 1 }));
      out.push('done');
      process.stdout.write(out.join('\\n') + '\\n');
    }, 100);
  `;
}

/** The status a badge in `scope` shows. @param {import('playwright-core').Locator} scope */
async function waitForStatus(scope, status) {
  await scope.locator(`[data-status="${status}"]`).first().waitFor({ timeout: JOB_UI_TIMEOUT_MS });
}

test('a job shows live in the list and its page follows a long log, searches it and charts its metrics', async () => {
  const { page, context, api, pageErrors } = await signedInPage();
  try {
    const gate = path.join(gateDir, 'count-go');
    const jobId = await submitJob(api, {
      name: 'count-lines',
      experiment: 'counting',
      command: ['node', '-e', countingProgram(gate)],
    });

    // The list shows the job running; it turns SUCCEEDED without a reload once the gate opens.
    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Training' }).click();
    const row = page.locator(`tr[data-job-id="${jobId}"]`);
    await row.getByRole('link', { name: 'count-lines' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForStatus(row, 'RUNNING');
    assert.equal(await row.getByRole('cell').nth(1).innerText(), 'local');

    // A second tab on the job's page while it still waits: the stderr line is styled apart.
    const jobPage = await context.newPage();
    jobPage.on('pageerror', (error) => pageErrors.push(error.message));
    await jobPage.goto(`${platform.baseUrl}/training/${jobId}`);
    const log = jobPage.getByRole('log', { name: 'Job log' });
    await log.locator('.log-line.log-stderr', { hasText: 'waiting for the gate' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForStatus(jobPage.getByRole('main'), 'RUNNING');

    await writeFile(gate, '');
    await waitForStatus(row, 'SUCCEEDED');
    assert.equal(await row.getByRole('cell').nth(3).innerText(), '1', 'one attempt');

    // The job page turned SUCCEEDED live, and its viewer followed the tail to the last line.
    await waitForStatus(jobPage.locator('dl'), 'SUCCEEDED');
    const lastLine = log.locator(`.log-line[data-line="${TOTAL_LINES}"]`);
    await lastLine.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await lastLine.innerText(), /done$/);
    const counted = await jobPage.getByTestId('log-line-count').innerText();
    assert.equal(Number(counted.replace(/\D/g, '')), TOTAL_LINES);
    assert.equal(await log.getAttribute('data-following'), 'true');
    const rowsInDom = await log.locator('.log-line').count();
    assert.ok(rowsInDom > 0 && rowsInDom < MOST_ROWS_IN_DOM, `${rowsInDom} log rows in the DOM`);

    // Scrolling up stops following; the first line is reachable.
    await log.evaluate((element) => element.scrollTo({ top: 0 }));
    await log.locator('.log-line[data-line="1"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await jobPage.locator('[role="log"][data-following="false"]').waitFor({ timeout: UI_TIMEOUT_MS });

    // Search highlights the one matching line and jumps to it; "only matching lines" filters.
    await jobPage.getByRole('searchbox', { name: 'Search the log' }).fill('line 12345');
    await jobPage.getByTestId('log-match-count').getByText('1 match').waitFor({ timeout: UI_TIMEOUT_MS });
    await jobPage.getByRole('button', { name: 'Next' }).click();
    await log.locator('.log-line.log-current mark', { hasText: 'line 12345' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await jobPage.getByLabel('Only matching lines').check();
    await log.locator('.log-line').first().getByText('line 12345').waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await log.locator('.log-line').count(), 1);

    // The download holds every line.
    const [download] = await Promise.all([
      jobPage.waitForEvent('download'),
      jobPage.getByRole('button', { name: 'Download' }).click(),
    ]);
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.split('\n').slice(0, -1);
    assert.equal(lines.length, TOTAL_LINES);
    assert.equal(lines[1], 'line 0');
    assert.equal(lines.at(-1), 'done');

    // The run's metric chart has the two points the job printed.
    const chart = jobPage.getByRole('figure', { name: 'Chart of loss' });
    await chart.getByText(/last 0\.3 at step 1 · 2 points/).waitFor({ timeout: UI_TIMEOUT_MS });
    // It links to the job's run.
    const { trainingJob } = await api(`query Job($id: ID!) { trainingJob(id: $id) { runId } }`, { id: jobId });
    assert.ok(trainingJob.runId, 'the job has a run');
    await jobPage.locator(`a[href="/experiments/runs/${encodeURIComponent(trainingJob.runId)}"]`).waitFor();

    assert.equal(await jobPage.getByRole('button', { name: 'Cancel' }).isDisabled(), true);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the Cancel button stops a sleeping job, which then shows CANCELLED and may be retried', async () => {
  const { page, context, api, pageErrors } = await signedInPage();
  try {
    const jobId = await submitJob(api, {
      name: 'sleeper',
      command: ['node', '-e', "console.log('sleeping'); setInterval(() => {}, 1000);"],
    });
    await page.goto(`${platform.baseUrl}/training/${jobId}`);
    const log = page.getByRole('log', { name: 'Job log' });
    await log.locator('.log-line', { hasText: 'sleeping' }).waitFor({ timeout: JOB_UI_TIMEOUT_MS });
    const retry = page.getByRole('button', { name: 'Retry' });
    assert.equal(await retry.isDisabled(), true);

    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitForStatus(page.locator('dl'), 'CANCELLED');
    await page
      .getByRole('table', { name: 'Attempts' })
      .getByText('cancelled')
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await page.waitForFunction(() => {
      const button = [...document.querySelectorAll('button')].find((element) => element.textContent === 'Retry');
      return button && !button.disabled;
    });
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).isDisabled(), true);

    // Retry runs it again as attempt 2 (the page follows it back to RUNNING), and Cancel stops that too.
    await retry.click();
    await page.getByRole('table', { name: 'Attempts' }).getByRole('rowheader', { name: '2' }).waitFor({
      timeout: JOB_UI_TIMEOUT_MS,
    });
    await waitForStatus(page.locator('dl'), 'RUNNING');
    await log.locator('.log-line', { hasText: 'sleeping' }).nth(1).waitFor({ timeout: JOB_UI_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitForStatus(page.locator('dl'), 'CANCELLED');

    // The list's status filter shows it among the cancelled jobs only.
    await page.getByRole('link', { name: 'Training', exact: true }).first().click();
    const row = page.locator(`tr[data-job-id="${jobId}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByLabel('Status').selectOption('CANCELLED');
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.locator('tr[data-job-id]').count(), 1);
    await page.getByLabel('Status').selectOption('SUCCEEDED');
    await page
      .locator('tr[data-job-id], td:has-text("No succeeded jobs.")')
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await row.count(), 0);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the submit form shows every problem the spec validator finds, and a good spec opens the new job', async () => {
  const { page, context, pageErrors } = await signedInPage();
  try {
    await page.goto(`${platform.baseUrl}/training`);
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByRole('button', { name: 'Paste or upload YAML' }).click();
    await page
      .getByLabel('Job YAML')
      .fill(['name: bad-job', 'backend: mainframe', 'command: []', 'workers: 0', 'resources: {cpu: -1}'].join('\n'));
    await page.getByRole('button', { name: 'Submit job' }).click();
    const problems = page.getByRole('list', { name: 'Spec problems' });
    await problems.waitFor({ timeout: UI_TIMEOUT_MS });
    const items = await problems.getByRole('listitem').allInnerTexts();
    assert.ok(items.length >= 3, items.join('\n'));
    const backend = items.find((item) => item.includes('backend'));
    assert.ok(backend, `a problem names backend: ${items.join('\n')}`);
    assert.match(backend, /line 2/, 'the API problem is located in the YAML');
    assert.ok(
      items.some((item) => item.includes('resources.cpu')),
      items.join('\n'),
    );

    // YAML that does not parse says where.
    await page.getByLabel('Job YAML').fill('name: [unclosed');
    await page.getByRole('button', { name: 'Submit job' }).click();
    await problems.getByText(/invalid YAML/).waitFor({ timeout: UI_TIMEOUT_MS });

    // The form sends the same input, with code from an uploaded .tar.gz; a good one opens the job's page.
    const codeDir = path.join(gateDir, 'code');
    await mkdir(codeDir);
    await writeFile(
      path.join(codeDir, 'main.js'),
      "console.log('epochs from the archive: ' + process.env.AITIP_HP_EPOCHS);\n",
    );
    const archive = path.join(gateDir, 'code.tar.gz');
    await execFileAsync('tar', ['-czf', archive, '-C', codeDir, '.']);
    await page.getByRole('button', { name: 'Form' }).click();
    await page.getByLabel('Name').fill('from-the-form');
    await page.getByLabel('Command').fill('node\nmain.js');
    await page.getByLabel('Hyperparameters').fill('epochs=3');
    await page.getByLabel('Code archive (.tar.gz)').setInputFiles(archive);
    await page.getByText(/uploaded as/).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.getByRole('heading', { name: 'from-the-form' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForStatus(page.locator('dl'), 'SUCCEEDED');
    await page
      .getByRole('log', { name: 'Job log' })
      .locator('.log-text', { hasText: 'epochs from the archive: 3' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

/** Writes files (path → content) under a new folder in the test's scratch directory and answers it. */
async function folderOf(name, files) {
  const folder = path.join(gateDir, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
    await writeFile(path.join(folder, file), content);
  }
  return folder;
}

/** The entries GNU tar lists (`tar -tvzf`) in a .tar.gz the platform stored, as `mode path` lines. */
async function tarListing(archiveId) {
  const [stored] = (await readdir(platform.dataDir, { recursive: true })).filter((file) =>
    file.endsWith(`/${archiveId}.tar.gz`),
  );
  assert.ok(stored, `no ${archiveId}.tar.gz under ${platform.dataDir}`);
  const { stdout } = await execFileAsync('tar', ['-tvzf', path.join(platform.dataDir, stored)]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.split(/\s+/);
      return `${fields[0]} ${fields.slice(5).join(' ')}`;
    });
}

/**
 * Chooses a folder in the code field and answers the id of the archive the page uploaded.
 * @param {import('playwright-core').Page} page
 */
async function chooseCodeFolder(page, folder) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (response) => response.request().method() === 'PUT' && response.url().endsWith('/api/training/code-archives'),
      { timeout: UI_TIMEOUT_MS },
    ),
    page.getByLabel('Code folder').setInputFiles(folder),
  ]);
  assert.equal(response.status(), 201, await response.text());
  return (await response.json()).archiveId;
}

test("a new user's first job: iris as a dataset, tabular-node from its job.yaml and folder, its log, metrics and ONNX model", async () => {
  const { page, context, pageErrors } = await signedInPage();
  try {
    // The iris CSV becomes dataset "iris", as the job's input names it.
    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('button', { name: 'New dataset' }).click();
    const newDataset = page.getByRole('form', { name: 'New dataset' });
    await newDataset.getByLabel('Dataset name').fill('iris');
    await newDataset.getByRole('button', { name: 'Create dataset' }).click();
    await page.getByRole('heading', { name: 'iris', exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByLabel('Choose files').setInputFiles(path.join(examplesDir, 'data/iris.csv'));
    await page
      .getByRole('form', { name: 'Upload files' })
      .getByRole('button', { name: /^Upload/ })
      .click();
    await page.waitForURL(/\/datasets\/versions\/[^/]+$/, { timeout: VALIDATION_TIMEOUT_MS });
    await page.getByRole('heading', { name: 'iris v1' }).waitFor({ timeout: UI_TIMEOUT_MS });

    // The job's YAML and its folder, as they are in the repository.
    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Training' }).click();
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByRole('button', { name: 'Paste or upload YAML' }).click();
    await page.getByLabel('Or upload job.yaml').setInputFiles(path.join(examplesDir, 'tabular-node/job.yaml'));
    await page
      .getByLabel('Job YAML')
      .getByText(/name: tabular-node/)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    const archiveId = await chooseCodeFolder(page, path.join(examplesDir, 'tabular-node'));
    const packed = page.getByRole('status').filter({ hasText: /uploaded as/ });
    await packed.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await packed.innerText(), /^Packed 4 files of tabular-node, .+ gzipped\), uploaded as [0-9a-f-]{36};/);
    // The browser's archive holds the folder's files by their paths inside it, as plain 0644 files.
    assert.deepEqual(await tarListing(archiveId), [
      '-rw-r--r-- README.md',
      '-rw-r--r-- job.yaml',
      '-rw-r--r-- onnx.mjs',
      '-rw-r--r-- train.mjs',
    ]);

    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.getByRole('heading', { name: 'tabular-node' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForStatus(page.locator('dl'), 'SUCCEEDED');
    await page
      .getByRole('log', { name: 'Job log' })
      .locator('.log-text', { hasText: /wrote .*model\.onnx/ })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await page
      .getByRole('figure', { name: 'Chart of loss' })
      .getByText(/at step 100 · 100 points/)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('figure', { name: 'Chart of accuracy' }).waitFor({ timeout: UI_TIMEOUT_MS });

    // The model downloads from the job's artifacts and classifies iris.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_TIMEOUT_MS }),
      page.getByRole('link', { name: 'Download model.onnx' }).click({ timeout: UI_TIMEOUT_MS }),
    ]);
    assert.equal(download.suggestedFilename(), 'model.onnx');
    const accuracy = await irisAccuracy(await download.path(), ['setosa', 'versicolor', 'virginica']);
    assert.ok(accuracy >= 0.9, `accuracy ${accuracy}`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test("a chosen folder's files, long paths included, are the job's working directory; one that cannot be packed says why", async () => {
  const { page, context, pageErrors } = await signedInPage();
  try {
    // A path over ustar's 100-byte name field, and folders a code archive leaves out.
    const deepFile = `deep/${'nested-folder/'.repeat(6)}${'a-file-with-a-long-name-'.repeat(3)}.txt`;
    assert.ok(deepFile.length > 100);
    const project = await folderOf('project', {
      'list.js': `
        const fs = require('node:fs');
        const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? walk(dir + entry.name + '/') : [dir + entry.name]);
        console.log('files: ' + walk('./').map((file) => file.slice(2)).sort().join(' '));
      `,
      [deepFile]: 'deep\n',
      'node_modules/left-pad/index.js': 'module.exports = 1;\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'tools/__pycache__/tool.cpython-311.pyc': 'bytecode',
    });
    await page.goto(`${platform.baseUrl}/training/new`);
    await page.getByLabel('Name').fill('listing');
    await page.getByLabel('Command').fill('node\nlist.js');
    const projectArchiveId = await chooseCodeFolder(page, project);
    await page
      .getByRole('status')
      .getByText(/^Packed 2 files of project \(3 under \.git\/, node_modules\/, __pycache__\/ left out\)/)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    // GNU tar reads the long path back from ustar's prefix and name fields.
    assert.deepEqual(await tarListing(projectArchiveId), [`-rw-r--r-- ${deepFile}`, '-rw-r--r-- list.js']);
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.getByRole('heading', { name: 'listing' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForStatus(page.locator('dl'), 'SUCCEEDED');
    const listing = page.getByRole('log', { name: 'Job log' }).locator('.log-text', { hasText: /^files: / });
    await listing.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await listing.innerText(), `files: ${deepFile} list.js`);

    await page.goto(`${platform.baseUrl}/training/new`);
    const alert = page.getByRole('alert');
    // Nothing left once the skipped folders are out.
    const onlySkipped = await folderOf('only-skipped', { 'node_modules/x/index.js': '1;\n' });
    await page.getByLabel('Code folder').setInputFiles(onlySkipped);
    await alert.getByText(/only-skipped holds only files under \.git\/, node_modules\/, __pycache__\//).waitFor({
      timeout: UI_TIMEOUT_MS,
    });
    // A path longer than ustar holds is named, with what to do.
    const tooLong = await folderOf('too-long', { [`${'x'.repeat(160)}/${'y'.repeat(20)}.js`]: '1;\n' });
    await page.getByLabel('Code folder').setInputFiles(tooLong);
    await alert.getByText(/y\.js" is too long for a tar archive .*tar -czf/).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(
      await page
        .getByRole('status')
        .getByText(/uploaded as/)
        .count(),
      0,
    );
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
