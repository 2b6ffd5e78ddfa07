import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { profileFile } from '../src/profiling/index.js';
import {
  assertClose,
  FixtureDir,
  float32s,
  float64s,
  int64s,
  issuesOf,
  npy,
  profileOf,
  uint8s,
} from './profiling-fixtures.js';

const dir = new FixtureDir();
after(() => dir.remove());

describe('profiling NumPy arrays', () => {
  test('2-D float64 with a NaN: dtype, shape, stats over all elements, histogram, preview rows', async () => {
    const path = dir.write('x.npy', npy('<f8', [2, 3], float64s([1, 2, Number.NaN, 4, 5, 6])));
    const profile = profileOf(await profileFile(path, 'features/x.npy', dir.limits()));
    assert.equal(profile.format, 'NPY');
    assert.deepEqual(profile.npy, { dtype: '<f8', shape: [2, 3], fortranOrder: false });
    assert.equal(profile.rowCount, 2);
    const [value] = profile.columns;
    assert.deepEqual(
      [value!.name, value!.type, value!.count, value!.nullCount, value!.min, value!.max],
      ['value', '<f8', 6, 1, 1, 6],
    );
    assertClose(value!.mean, 3.6);
    assertClose(value!.std, Math.sqrt(17.2 / 5));
    assert.equal(value!.histogram!.length, 20);
    assert.equal(
      value!.histogram!.reduce((s, b) => s + b.count, 0),
      5,
    );
    assert.deepEqual(profile.preview, {
      columns: ['0', '1', '2'],
      rows: [
        [1, 2, 'NaN'],
        [4, 5, 6],
      ],
    });
  });

  test('1-D int64 labels get per-value bins and top values', async () => {
    const path = dir.write('y.npy', npy('<i8', [6], int64s([0, 1, 1, 2, 2, 2])));
    const profile = profileOf(await profileFile(path, 'y.npy', dir.limits({ previewRows: 4 })));
    const [value] = profile.columns;
    assert.deepEqual(value!.histogram, [
      { start: 0, end: 1, count: 1 },
      { start: 1, end: 2, count: 2 },
      { start: 2, end: 3, count: 3 },
    ]);
    assert.deepEqual(value!.topValues, [
      { value: '2', count: 3 },
      { value: '1', count: 2 },
      { value: '0', count: 1 },
    ]);
    assert.equal(value!.distinctEstimate, 3);
    assert.deepEqual(profile.preview, { columns: ['value'], rows: [[0], [1], [1], [2]] });
  });

  test('3-D uint8 (images) preview rows are flattened; Fortran order and big-endian are read right', async () => {
    const images = profileOf(
      await profileFile(
        dir.write('img.npy', npy('|u1', [3, 2, 2], uint8s([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))),
        'img.npy',
        dir.limits(),
      ),
    );
    assert.deepEqual(images.preview, {
      columns: ['0', '1', '2', '3'],
      rows: [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9, 10, 11],
      ],
    });
    assert.deepEqual([images.columns[0]!.min, images.columns[0]!.max, images.columns[0]!.mean], [0, 11, 5.5]);

    // [[1, 2, 3], [4, 5, 6]] stored column by column
    const fortran = profileOf(
      await profileFile(
        dir.write('f.npy', npy('<f4', [2, 3], float32s([1, 4, 2, 5, 3, 6]), { fortranOrder: true })),
        'f.npy',
        dir.limits(),
      ),
    );
    assert.equal(fortran.npy!.fortranOrder, true);
    assert.deepEqual(fortran.preview.rows, [
      [1, 2, 3],
      [4, 5, 6],
    ]);

    const big = Buffer.alloc(12);
    [7, -8, 300].forEach((v, i) => big.writeInt32BE(v, i * 4));
    const bigEndian = profileOf(
      await profileFile(dir.write('be.npy', npy('>i4', [3], big, { version: 2 })), 'be.npy', dir.limits()),
    );
    assert.deepEqual(bigEndian.preview.rows, [[7], [-8], [300]]);
    assert.deepEqual(
      [bigEndian.columns[0]!.min, bigEndian.columns[0]!.max, bigEndian.columns[0]!.mean],
      [-8, 300, 299 / 3],
    );
  });

  test('booleans count as 0/1 with true/false top values', async () => {
    const profile = profileOf(
      await profileFile(dir.write('b.npy', npy('|b1', [4], uint8s([1, 0, 1, 1]))), 'b.npy', dir.limits()),
    );
    assert.deepEqual(profile.columns[0]!.topValues, [
      { value: 'true', count: 3 },
      { value: 'false', count: 1 },
    ]);
    assert.deepEqual(profile.preview.rows, [[true], [false], [true], [true]]);
  });

  test('a large array is streamed: stats match a direct computation', async () => {
    const n = 1_500_000;
    const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100 + (i % 1000) / 10);
    const path = dir.write('large.npy', npy('<f4', [n / 3, 3], Buffer.from(values.buffer)));
    const profile = profileOf(await profileFile(path, 'large.npy', dir.limits()));
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    const mean = sum / n;
    let squares = 0;
    for (const v of values) squares += (v - mean) ** 2;
    const [value] = profile.columns;
    assert.equal(profile.rowCount, n / 3);
    assert.deepEqual([value!.count, value!.min, value!.max], [n, min, max]);
    assertClose(value!.mean, mean, 1e-6);
    assertClose(value!.std, Math.sqrt(squares / n), 1e-6);
    assert.equal(
      value!.histogram!.reduce((s, b) => s + b.count, 0),
      n,
    );
  });

  test('truncated data gives INVALID_NPY', async () => {
    const full = npy('<f8', [4], float64s([1, 2, 3, 4]));
    const issues = issuesOf(
      await profileFile(dir.write('cut.npy', full.subarray(0, full.length - 5)), 'cut.npy', dir.limits()),
    );
    assert.deepEqual(
      issues.map((i) => i.code),
      ['INVALID_NPY'],
    );
    assert.match(issues[0]!.message, /truncated: its shape \(4\) of <f8 needs 32 bytes of data but the file holds 27/);
  });

  test('object (pickled) arrays and structured dtypes give INVALID_NPY', async () => {
    const pickled = issuesOf(
      await profileFile(dir.write('o.npy', npy('|O', [1], Buffer.alloc(8))), 'o.npy', dir.limits()),
    );
    assert.equal(pickled[0]!.code, 'INVALID_NPY');
    assert.match(pickled[0]!.message, /pickled arrays are not accepted/);
    const strings = issuesOf(
      await profileFile(dir.write('u.npy', npy('<U4', [1], Buffer.alloc(16))), 'u.npy', dir.limits()),
    );
    assert.match(strings[0]!.message, /dtype "<U4" is not supported/);
  });
});

describe('profiling plain text', () => {
  test('lines, characters (code points) and the first lines as preview', async () => {
    const path = dir.write('notes.txt', 'hello\r\nwörld 👋\n\nlast');
    const profile = profileOf(await profileFile(path, 'notes.txt', dir.limits({ previewRows: 10 })));
    assert.equal(profile.format, 'TEXT');
    assert.deepEqual(profile.text, { lines: 4, characters: 5 + 2 + 7 + 1 + 1 + 4 });
    assert.equal(profile.rowCount, 4);
    assert.deepEqual(profile.preview, { columns: ['line'], rows: [['hello'], ['wörld 👋'], [''], ['last']] });
  });

  test('a character split across read chunks is still valid', async () => {
    const text = Buffer.concat([Buffer.alloc(1024 * 1024 - 1, 'a'), Buffer.from('é\nend\n')]);
    const profile = profileOf(
      await profileFile(dir.write('edge.txt', text), 'edge.txt', dir.limits({ previewRows: 1 })),
    );
    assert.deepEqual(profile.text, { lines: 2, characters: 1024 * 1024 - 1 + 1 + 1 + 4 });
    assert.equal((profile.preview.rows[0]![0] as string).length, 2001, 'long preview lines are cut');
  });

  test('invalid UTF-8 gives INVALID_UTF8 on each bad line', async () => {
    const text = Buffer.concat([
      Buffer.from('ok\nfine\ncaf'),
      Buffer.from([0xe9]),
      Buffer.from('\nok\n'),
      Buffer.from([0xc3]),
    ]);
    const issues = issuesOf(await profileFile(dir.write('bad.txt', text), 'bad.txt', dir.limits()));
    assert.deepEqual(
      issues.map((i) => [i.code, i.line]),
      [
        ['INVALID_UTF8', 3],
        ['INVALID_UTF8', 5],
      ],
    );
  });
});
