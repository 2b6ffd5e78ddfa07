import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger, handleLocalBlobRequest, LocalBlobStore } from '@aitip/kit';
import { CSV_COLUMNS, stampFile, writeCsvFile, writeRandomFile } from '../src/datasets/input-files.js';
import { uploadRaw } from '../src/datasets/raw-upload.js';
import { datasetsReport } from '../src/datasets/report.js';

const MiB = 1024 * 1024;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'aitip-datasets-bench-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('writeCsvFile writes whole rows of ten columns up to the asked size', async () => {
  const file = join(dir, 'data.csv');
  const { bytes, rows } = await writeCsvFile(file, 2 * MiB);
  assert.equal(statSync(file).size, bytes);
  assert.ok(bytes >= 2 * MiB && bytes < 2 * MiB + 200, `${bytes} bytes`);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  assert.equal(lines.length, rows + 1);
  for (const line of lines.slice(1, 1000)) {
    const cells = line.split(',');
    assert.equal(cells.length, 10, line);
    assert.match(cells[0]!, /^\d+$/);
    assert.match(cells[2]!, /^(\d+\.\d{2})?$/);
    assert.match(cells[4]!, /^-?\d+\.\d{4}$/);
    assert.match(cells[9]!, /^\d{4}-\d{2}-\d{2}$/);
  }
  assert.ok(
    lines.slice(1).some((line) => line.split(',')[3] === ''),
    'some discounts are empty',
  );
});

test('writeRandomFile writes the exact size, and stampFile changes only the first 8 bytes', async () => {
  const file = join(dir, 'random.bin');
  await writeRandomFile(file, 3 * MiB + 5);
  const before = readFileSync(file);
  assert.equal(before.length, 3 * MiB + 5);
  await stampFile(file, 7);
  const stamped = readFileSync(file);
  assert.notDeepEqual(stamped.subarray(0, 8), before.subarray(0, 8));
  assert.deepEqual(stamped.subarray(8), before.subarray(8));
});

test('uploadRaw sends every part through presigned URLs of the local store and leaves nothing behind', async () => {
  const file = join(dir, 'upload.bin');
  await writeRandomFile(file, 11 * MiB + 3);
  let store: LocalBlobStore | undefined;
  const server = createServer((req, res) => {
    void handleLocalBlobRequest(store!, req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    store = new LocalBlobStore({
      dir: join(dir, 'blobs'),
      publicBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      signingSecret: 'a'.repeat(64),
      logger: createLogger('bench-test', 'silent'),
    });
    await store.ensureReady();
    const { seconds, steps } = await uploadRaw(store, file, 11 * MiB + 3, 5 * MiB);
    assert.ok(seconds > 0 && steps.parts > 0 && steps.parts < seconds);
    const left: string[] = [];
    for await (const item of store.list('')) left.push(item.key);
    assert.deepEqual(left, []);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('datasetsReport says plainly which targets are met and which are missed', () => {
  const steps = { start: 0.1, parts: 0.5, complete: 0.1 };
  const text = datasetsReport({
    size: 100e6,
    rounds: 1,
    csv: { bytes: 100e6, rows: 10, columns: 10 },
    stores: [
      {
        label: 'fast store',
        rounds: [
          {
            platformSeconds: 1,
            rawSeconds: 0.9,
            platformSteps: steps,
            rawSteps: steps,
            settleSeconds: 2,
            status: 'INVALID',
          },
        ],
        csv: undefined,
        partSize: 16 * MiB,
        platformPeakRss: 300 * MiB,
      },
      {
        label: 'slow store',
        rounds: [
          {
            platformSeconds: 2,
            rawSeconds: 1,
            platformSteps: steps,
            rawSteps: steps,
            settleSeconds: 2,
            status: 'INVALID',
          },
        ],
        csv: undefined,
        platformPeakRss: 300 * MiB,
      },
    ],
    profiles: [
      {
        type: 'profiled',
        ok: true,
        seconds: 0.5,
        bytes: 100e6,
        milestones: [0.2, 0.4],
        rowCount: 10,
        rssBefore: 0,
        peakRss: 600 * MiB,
      },
    ],
    machine: 'test',
  });
  assert.match(text, /fast store: 0\.90× of raw against ≥ 0\.80×, met/);
  assert.match(text, /slow store: 0\.50× of raw against ≥ 0\.80×, MISSED/);
  assert.match(text, /\| 0\.20 \/ 0\.20 \/ 0\.10 s \|/);
  assert.match(text, /\| 0\.20 \/ 0\.20 \/ 0\.10 s \|/);
  assert.match(text, /profiling: 200 MB\/s against ≥ 100 MB\/s, met; peak RSS 600 MiB against ≤ 512 MiB, MISSED/);
});
