// End-to-end test of the Datasets pages in a real browser against the whole platform (embedded
// mode: local blob store behind the router's /blob/ route, validation by the datasets subgraph's
// worker): create datasets, upload a CSV and an image zip with visible progress and read their
// schema, charts, preview and thumbnails; read the report of a broken CSV; resume an upload that
// a reload interrupted; abort one.
//
// Needs `npm run build` first (router/dist and web/dist). It always starts its own platform: the
// first sign-up needs the one-time setup token of a new instance.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import {
  UI_TIMEOUT_MS,
  callGraphQL,
  launchBrowser,
  openPage,
  signInThroughUi,
  signUpFirstOwner,
  startPlatform,
} from './platform.mjs';

// Validation (profiling with DuckDB, thumbnails) runs as a queued job after the parts are in.
const VALIDATION_DEADLINE_MS = 90_000;
// The platform's smallest part size, so a 12 MiB file has three parts.
const PART_SIZE_BYTES = 5 * 1024 * 1024;

const owner = { email: 'ada@example.com', displayName: 'Ada Owner', password: 'ada-password-123' };

/** @type {Awaited<ReturnType<typeof startPlatform>> | undefined} */
let platform;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** Files the tests write to upload. */
let filesDir = '';

before(async () => {
  // startPlatform passes its own environment on to the platform.
  process.env.DATASETS_PART_SIZE_BYTES = String(PART_SIZE_BYTES);
  platform = await startPlatform('aitip-web-datasets-');
  browser = await launchBrowser();
  filesDir = await mkdtemp(path.join(tmpdir(), 'aitip-web-datasets-files-'));
  await signUpFirstOwner(platform, owner, { name: 'Data Lab', slug: 'data-lab' });
});

after(async () => {
  await browser?.close();
  await platform?.dispose();
  if (filesDir) await rm(filesDir, { recursive: true, force: true });
});

/**
 * A signed-in page. Presigned blob URLs name the platform's PUBLIC_URL (http://localhost:<port>
 * by default) while the page is on 127.0.0.1: the same platform, so those are not foreign.
 */
async function signedInPage() {
  assert.ok(browser && platform);
  const opened = await openPage(browser, platform.baseUrl);
  await signInThroughUi(opened.page, platform.baseUrl, owner);
  const blobOrigin = `http://localhost:${new URL(platform.baseUrl).port}/blob/`;
  const foreign = () => opened.foreignRequests.filter((url) => !url.startsWith(blobOrigin));
  return { ...opened, foreign };
}

/** Writes a file to upload and answers its path. */
async function fileToUpload(name, content) {
  const file = path.join(filesDir, name);
  await writeFile(file, content);
  return file;
}

/** @param {import('playwright-core').Page} page */
async function createDatasetThroughUi(page, { name, description = '', tags = '' }) {
  await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Datasets' }).click();
  await page.getByRole('heading', { name: 'Datasets', exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
  await page.getByRole('button', { name: 'New dataset' }).click();
  const form = page.getByRole('form', { name: 'New dataset' });
  await form.getByLabel('Dataset name').fill(name);
  if (description) await form.getByLabel('Description (optional)').fill(description);
  if (tags) await form.getByLabel('Tags (optional)').fill(tags);
  await form.getByRole('button', { name: 'Create dataset' }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
  assert.match(new URL(page.url()).pathname, /^\/datasets\/[^/]+$/);
}

/**
 * Holds the page's completeDatasetUpload request until `release()`, so the test can look at
 * the progress bar once every part is sent and before the page moves on.
 * @param {import('playwright-core').Page} page
 */
async function holdCompletion(page) {
  /** @type {() => void} */
  let release = () => {};
  const released = new Promise((resolve) => (release = () => resolve(undefined)));
  /** @type {(value?: unknown) => void} */
  let arrived = () => {};
  const reached = new Promise((resolve) => (arrived = resolve));
  /** @type {Promise<void>} */
  let heldContinued = Promise.resolve();
  const handler = async (/** @type {import('playwright-core').Route} */ route) => {
    if (!(route.request().postData() ?? '').includes('mutation CompleteDatasetUpload')) {
      await route.continue();
      return;
    }
    arrived();
    heldContinued = released.then(() => route.continue());
    await heldContinued;
  };
  await page.route('**/graphql', handler);
  return {
    reached,
    async release() {
      release();
      // The held request goes on before the route goes.
      await heldContinued;
      await page.unroute('**/graphql', handler);
    },
  };
}

/** Picks files in the upload area and presses Upload. @param {import('playwright-core').Page} page */
async function upload(page, files) {
  await page.getByLabel('Choose files').setInputFiles(files);
  await page
    .getByRole('form', { name: 'Upload files' })
    .getByRole('button', { name: /^Upload/ })
    .click();
}

/** Waits for the page of a new version and answers its id. @param {import('playwright-core').Page} page */
async function waitForVersionPage(page) {
  await page.waitForURL(/\/datasets\/versions\/[^/]+$/, { timeout: VALIDATION_DEADLINE_MS });
  await page.getByRole('heading', { name: / v\d+$/ }).waitFor({ timeout: UI_TIMEOUT_MS });
  return decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
}

/** A CSV with numeric and text columns, `rows` data rows. */
function peopleCsv(rows) {
  const cities = ['Lisbon', 'Oslo', 'Lima', 'Kyoto'];
  const lines = ['id,age,score,city'];
  for (let index = 1; index <= rows; index += 1) {
    lines.push(`${index},${18 + (index % 60)},${((index * 37) % 1000) / 10},${cities[index % cities.length]}`);
  }
  return `${lines.join('\n')}\n`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let value = byte;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip archive of stored (uncompressed) entries. @param {{ name: string, data: Buffer }[]} entries */
function zipArchive(entries) {
  const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** A 32×32 PNG of a filled circle or square in a colour of its own. */
async function shapePng(shape, hue) {
  const size = 32;
  const pixels = Buffer.alloc(size * size * 3, 255);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const inside =
        shape === 'circle' ? (x - 15.5) ** 2 + (y - 15.5) ** 2 <= 12 ** 2 : x >= 6 && x < 26 && y >= 6 && y < 26;
      if (!inside) continue;
      const at = (y * size + x) * 3;
      pixels[at] = (hue * 70) % 256;
      pixels[at + 1] = shape === 'circle' ? 90 : 160;
      pixels[at + 2] = 255 - ((hue * 40) % 256);
    }
  }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

test('datasets are created, listed and filtered by name, tag and status', async () => {
  const { page, context, pageErrors, foreign } = await signedInPage();
  try {
    await createDatasetThroughUi(page, { name: 'census-2024', description: 'People counted', tags: 'tabular, census' });
    await page.getByText('People counted').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByText('No versions yet').waitFor();
    await createDatasetThroughUi(page, { name: 'street-photos', tags: 'images' });

    // A name already taken is refused with the API's message, and nothing else happens.
    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('button', { name: 'New dataset' }).click();
    await page.getByLabel('Dataset name').fill('census-2024');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.getByRole('form', { name: 'New dataset' }).getByRole('alert').waitFor({ timeout: UI_TIMEOUT_MS });

    const list = page.getByRole('table', { name: 'Datasets' });
    const rowOf = (name) => list.getByRole('row').filter({ has: page.getByRole('rowheader').getByText(name) });
    await rowOf('census-2024').waitFor({ timeout: UI_TIMEOUT_MS });
    await rowOf('street-photos').waitFor();
    assert.equal(await rowOf('census-2024').getByRole('cell').first().innerText(), 'empty');

    const filters = page.getByRole('form', { name: 'Dataset filters' });
    await filters.getByLabel('Tag').fill('images');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await list.getByText('census-2024').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await rowOf('street-photos').waitFor();

    await filters.getByLabel('Tag').fill('');
    await filters.getByLabel('Name contains').fill('CENSUS');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await list.getByText('street-photos').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await rowOf('census-2024').waitFor();

    await filters.getByLabel('Name contains').fill('');
    await filters.getByLabel('Status').selectOption('READY');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await list.getByText('No datasets match these filters.').waitFor({ timeout: UI_TIMEOUT_MS });

    await page.getByRole('link', { name: 'census-2024' }).waitFor({ state: 'detached' });

    // More datasets than one page holds: "Load more" brings the rest (pages follow nextCursor).
    assert.ok(platform);
    const session = JSON.parse(await page.evaluate(() => window.localStorage.getItem('aitip.session') ?? 'null'));
    for (let index = 1; index <= 26; index += 1) {
      await callGraphQL(
        platform.baseUrl,
        `mutation CreateDataset($input: CreateDatasetInput!) { createDataset(input: $input) { id } }`,
        { input: { name: `bulk-${String(index).padStart(2, '0')}`, tags: ['bulk'] } },
        { authorization: `Bearer ${session.accessToken}`, 'x-aitip-org': session.activeOrgId },
      );
    }
    await filters.getByLabel('Status').selectOption('');
    await filters.getByLabel('Tag').fill('bulk');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const bulkLinks = list.getByRole('link', { name: /^bulk-/ });
    await list.getByRole('button', { name: 'Load more' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await bulkLinks.count(), 25);
    await list.getByRole('button', { name: 'Load more' }).click();
    await list.getByRole('link', { name: 'bulk-01' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await bulkLinks.count(), 26);
    assert.equal(await list.getByRole('button', { name: 'Load more' }).count(), 0);

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('a CSV upload shows its progress, then the schema, histograms and preview of the new version', async () => {
  const { page, context, pageErrors, foreign } = await signedInPage();
  try {
    await createDatasetThroughUi(page, { name: 'people' });
    const csv = await fileToUpload('people.csv', peopleCsv(500));

    const completion = await holdCompletion(page);
    await upload(page, [csv]);
    await completion.reached;
    // Every part is sent and the page waits for the completion: the bar is full.
    const progressBar = page.getByRole('progressbar', { name: 'Upload progress' });
    await page
      .getByRole('status', { name: 'Bytes sent' })
      .getByText(/^100 %/)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await progressBar.getAttribute('value'), await progressBar.getAttribute('max'));
    await completion.release();

    await waitForVersionPage(page);
    await page.getByRole('heading', { name: 'people v1' }).waitFor();
    const summary = page.getByRole('definition');
    assert.ok((await summary.allInnerTexts()).includes('500'), 'the summary shows 500 rows');

    const schema = page.getByRole('table', { name: 'Schema' });
    const typeOf = async (column) =>
      schema
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader').getByText(column, { exact: true }) })
        .getByRole('cell')
        .first()
        .innerText();
    assert.match(await typeOf('id'), /INT/);
    assert.match(await typeOf('age'), /INT/);
    assert.match(await typeOf('score'), /DOUBLE|DECIMAL|FLOAT/);
    assert.match(await typeOf('city'), /VARCHAR/);

    const histogram = page.getByRole('img', { name: 'Histogram of age' });
    await histogram.waitFor();
    assert.ok((await histogram.locator('rect').count()) > 1, 'the age histogram has bars');
    const topCities = page.getByRole('img', { name: 'Top values of city' });
    assert.ok((await topCities.locator('rect').count()) === 4, 'four cities as bars');

    const preview = page.getByRole('table', { name: 'Preview' });
    assert.deepEqual(await preview.getByRole('columnheader').allTextContents(), ['id', 'age', 'score', 'city']);
    assert.deepEqual(await preview.getByRole('row').nth(1).getByRole('cell').allInnerTexts(), [
      '1',
      '19',
      '3.7',
      'Oslo',
    ]);

    const files = page.getByRole('table', { name: 'Files' });
    const download = files.getByRole('link', { name: 'Download people.csv' });
    const response = await page.request.get(/** @type {string} */ (await download.getAttribute('href')));
    assert.equal(response.status(), 200);
    assert.equal(await response.text(), peopleCsv(500));

    // The dataset page lists the version and the dataset is READY.
    await page.getByRole('link', { name: 'people', exact: true }).click();
    const versions = page.getByRole('table', { name: 'Versions' });
    await versions.getByRole('link', { name: 'v1' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.getByRole('definition').first().innerText(), 'ready');

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('a zip of images in class folders shows thumbnails, classes and splits; a version can be deleted and restored', async () => {
  const { page, context, pageErrors, foreign } = await signedInPage();
  try {
    await createDatasetThroughUi(page, { name: 'shapes' });
    const entries = [];
    for (const split of ['train', 'test']) {
      for (const shape of ['circle', 'square']) {
        const count = split === 'train' ? 3 : 1;
        for (let index = 0; index < count; index += 1) {
          entries.push({ name: `${split}/${shape}/${shape}-${index}.png`, data: await shapePng(shape, index + 1) });
        }
      }
    }
    const zip = await fileToUpload('shapes.zip', zipArchive(entries));

    await upload(page, [zip]);
    await waitForVersionPage(page);
    await page.getByRole('heading', { name: 'shapes v1' }).waitFor();

    const classes = page.getByRole('table', { name: 'Classes' });
    const countOf = async (table, name) =>
      table
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader').getByText(name, { exact: true }) })
        .getByRole('cell')
        .innerText();
    assert.equal(await countOf(classes, 'circle'), '4');
    assert.equal(await countOf(classes, 'square'), '4');
    const splits = page.getByRole('table', { name: 'Splits' });
    assert.equal(await countOf(splits, 'train'), '6');
    assert.equal(await countOf(splits, 'test'), '2');

    const thumbnails = page.getByRole('list', { name: 'Thumbnails' }).getByRole('img');
    assert.ok((await thumbnails.count()) >= 1, 'thumbnails are shown');
    // Every thumbnail loaded as an image (its presigned URL works from the browser).
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.thumbnail-grid img')].every(
          (image) => image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0,
        ),
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    const captions = await page.locator('.thumbnail-label').allInnerTexts();
    assert.ok(
      captions.every((label) => label === 'circle' || label === 'square'),
      JSON.stringify(captions),
    );

    // Delete, then restore.
    await page.getByRole('button', { name: 'Delete version' }).click();
    await page.getByRole('button', { name: 'Confirm deletion' }).click();
    await page.getByRole('button', { name: 'Restore version' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.getByRole('definition').first().innerText(), 'deleted');
    await page.getByRole('button', { name: 'Restore version' }).click();
    await page.getByRole('button', { name: 'Delete version' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.getByRole('definition').first().innerText(), 'ready');

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('a broken CSV gets a validation report naming the wrong line, after a reload and on the dataset page; the dataset can be deleted and restored', async () => {
  const { page, context, pageErrors, foreign } = await signedInPage();
  try {
    await createDatasetThroughUi(page, { name: 'broken' });
    const csv = await fileToUpload('broken.csv', 'id,name,score\n1,ada,2.5\n2,bob,3.5\n3,cy,4.5,surplus\n4,dee,5.5\n');
    await upload(page, [csv]);

    const issues = page.getByRole('table', { name: 'Validation issues' });
    await issues.waitFor({ timeout: VALIDATION_DEADLINE_MS });
    const rows = issues.locator('tbody tr');
    const texts = await rows.allInnerTexts();
    const lineFour = rows.filter({ has: page.locator('td:nth-child(2)', { hasText: /^4$/ }) });
    assert.ok((await lineFour.count()) >= 1, `an issue on line 4 of broken.csv: ${JSON.stringify(texts)}`);
    assert.match(await lineFour.first().innerText(), /broken\.csv/);
    assert.match(page.url(), /\?upload=/);

    // The report is the upload's: a reload of the page shows it again.
    await page.reload();
    await issues.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.ok((await lineFour.count()) >= 1);
    await page.getByText('No versions yet').waitFor();

    // Without the upload in the address, the dataset page shows its latest upload's report.
    const plain = new URL(page.url());
    plain.search = '';
    await page.goto(plain.toString());
    await issues.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.ok((await lineFour.count()) >= 1);

    await page.getByRole('button', { name: 'Delete dataset' }).click();
    await page.getByRole('button', { name: 'Confirm deletion' }).click();
    await page.getByRole('button', { name: 'Restore dataset' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Restore dataset' }).click();
    await page.getByRole('button', { name: 'Delete dataset' }).waitFor({ timeout: UI_TIMEOUT_MS });

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('an upload interrupted by a reload resumes with the parts not yet sent', async () => {
  const { page, context, pageErrors, foreign } = await signedInPage();
  try {
    await createDatasetThroughUi(page, { name: 'big-table' });
    // About 12 MiB: three parts of 5, 5 and about 2 MiB.
    let content = peopleCsv(1);
    const block = peopleCsv(4000).split('\n').slice(1).join('\n');
    while (content.length < 12 * 1024 * 1024) content += block;
    const csv = await fileToUpload('big.csv', content);

    // Part 1 goes through; parts 2 and 3 are held, then cut off as a lost connection would.
    /** @type {import('playwright-core').Route[]} */
    const stalled = [];
    let connectionLost = false;
    await page.route('**/blob/**', async (route) => {
      const partNumber = new URL(route.request().url()).searchParams.get('partNumber');
      if (route.request().method() !== 'PUT') await route.continue();
      else if (connectionLost) await route.abort('connectionreset');
      else if (partNumber === '1') await route.continue();
      else stalled.push(route);
    });
    await upload(page, [csv]);
    await page
      .getByRole('status', { name: 'Bytes sent' })
      .getByText(/1 of 3 parts/)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(stalled.length, 2);

    connectionLost = true;
    await Promise.all(stalled.map((route) => route.abort('connectionreset')));
    await page.reload();
    await page.unrouteAll({ behavior: 'wait' });
    await page.getByRole('heading', { name: 'big-table' }).waitFor({ timeout: UI_TIMEOUT_MS });

    /** @type {string[]} */
    const sentParts = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().includes('/blob/')) {
        sentParts.push(new URL(request.url()).searchParams.get('partNumber') ?? '?');
      }
    });
    await upload(page, [csv]);
    await page
      .getByRole('status', { name: 'Resume' })
      .getByText('Resuming: 1 of 3 parts already sent.')
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForVersionPage(page);
    assert.deepEqual(sentParts.sort(), ['2', '3']);
    const summary = await page.getByRole('definition').allInnerTexts();
    assert.ok(
      summary.includes('12.00 MiB') || summary.some((text) => /^12(\.\d+)? MiB$/.test(text)),
      JSON.stringify(summary),
    );

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});

test('Abort stops an upload and the API removes it', async () => {
  assert.ok(platform);
  const { page, context, pageErrors, foreign } = await signedInPage();
  try {
    await createDatasetThroughUi(page, { name: 'aborted' });
    const csv = await fileToUpload('aborted.csv', peopleCsv(50));
    // No part gets through, so the upload is still sending when Abort is pressed.
    await page.route('**/blob/**', () => {});
    const started = page.waitForResponse(
      (response) => (response.request().postData() ?? '').includes('mutation StartDatasetUpload'),
      { timeout: UI_TIMEOUT_MS },
    );
    await upload(page, [csv]);
    const uploadId = (await (await started).json()).data.startDatasetUpload.id;
    await page.getByRole('button', { name: 'Abort upload' }).click();
    await page.getByText('Upload aborted. What was sent has been removed.').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.unrouteAll({ behavior: 'ignoreErrors' });

    const session = JSON.parse(await page.evaluate(() => window.localStorage.getItem('aitip.session') ?? 'null'));
    const { datasetUpload } = await callGraphQL(
      platform.baseUrl,
      `query Upload($id: ID!) { datasetUpload(id: $id) { status } }`,
      { id: uploadId },
      { authorization: `Bearer ${session.accessToken}`, 'x-aitip-org': session.activeOrgId },
    );
    assert.equal(datasetUpload.status, 'ABORTED');
    const remembered = await page.evaluate(() =>
      Object.keys(window.localStorage).filter((key) => key.startsWith('aitip.datasetUpload:')),
    );
    assert.deepEqual(remembered, []);

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign(), []);
  } finally {
    await context.close();
  }
});
