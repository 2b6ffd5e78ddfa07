import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, profileFile } from '../src/profiling/index.js';
import {
  assertClose,
  column,
  exampleData,
  FixtureDir,
  histogramTotal,
  issuesOf,
  profileOf,
} from './profiling-fixtures.js';

const dir = new FixtureDir();
after(() => dir.remove());

const CSV = [
  'id,name,score,joined,active',
  '1,ada,3.5,2024-01-02,true',
  '2,bob,,2024-02-03,false',
  '3,cy,9.25,2024-03-04,true',
  '4,di,1,2024-01-02,true',
  '5,,2.25,2024-05-06,false',
  '',
].join('\n');

describe('profiling tabular files', () => {
  test('CSV: schema, row count, nulls, numeric stats, histograms, top values and preview in file order', async () => {
    const progress: number[] = [];
    const profile = profileOf(
      await profileFile(dir.write('people.csv', CSV), 'people.csv', dir.limits(), {
        onProgress: (f) => progress.push(f),
      }),
    );
    assert.equal(profile.format, 'CSV');
    assert.equal(profile.delimiter, ',');
    assert.equal(profile.rowCount, 5);
    assert.deepEqual(
      profile.columns.map((c) => [c.name, c.type]),
      [
        ['id', 'BIGINT'],
        ['name', 'VARCHAR'],
        ['score', 'DOUBLE'],
        ['joined', 'DATE'],
        ['active', 'BOOLEAN'],
      ],
    );
    const id = column(profile.columns, 'id');
    assert.deepEqual([id.count, id.nullCount, id.min, id.max, id.mean], [5, 0, 1, 5, 3]);
    assertClose(id.std, Math.sqrt(2));
    assert.equal(id.distinctEstimate, 5);
    assert.deepEqual(
      id.histogram,
      [1, 2, 3, 4, 5].map((start) => ({ start, end: start + 1, count: 1 })),
    );
    assert.equal(id.topValues, undefined, 'unique numbers get no top values');

    const score = column(profile.columns, 'score');
    assert.deepEqual([score.count, score.nullCount, score.min, score.max, score.mean], [5, 1, 1, 9.25, 4]);
    assertClose(score.std, Math.sqrt(39.875 / 4));
    assert.equal(score.histogram!.length, 20);
    assert.equal(histogramTotal(score), 4, 'histogram counts add up to the non-null values');
    assert.deepEqual(
      score.histogram!.flatMap((b, i) => (b.count ? [i] : [])),
      [0, 3, 6, 19],
    );
    assert.equal(score.histogram![0]!.start, 1);
    assert.equal(score.histogram![19]!.end, 9.25);

    const name = column(profile.columns, 'name');
    assert.deepEqual([name.nullCount, name.min, name.mean], [1, undefined, undefined]);
    assert.deepEqual(
      name.topValues,
      ['ada', 'bob', 'cy', 'di'].map((value) => ({ value, count: 1 })),
    );

    const joined = column(profile.columns, 'joined');
    assert.deepEqual([joined.min, joined.max], ['2024-01-02', '2024-05-06']);
    assert.deepEqual(joined.topValues![0], { value: '2024-01-02', count: 2 });

    assert.deepEqual(column(profile.columns, 'active').topValues, [
      { value: 'true', count: 3 },
      { value: 'false', count: 2 },
    ]);
    assert.deepEqual(profile.preview.columns, ['id', 'name', 'score', 'joined', 'active']);
    assert.deepEqual(profile.preview.rows, [
      [1, 'ada', 3.5, '2024-01-02', true],
      [2, 'bob', null, '2024-02-03', false],
      [3, 'cy', 9.25, '2024-03-04', true],
      [4, 'di', 1, '2024-01-02', true],
      [5, null, 2.25, '2024-05-06', false],
    ]);
    assert.equal(progress[0], 0);
    assert.equal(progress.at(-1), 1);
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
      'progress never goes back',
    );
  });

  test('a CSV over exactDistributionBytes gets histograms and top values from a row sample, the rest exact', async () => {
    // 40,000 rows, sorted by id; every 10th note is quoted with a newline inside, which a sample
    // stretch may cut through
    const cities = ['Oslo', 'Rome', 'Riga', 'Bern'];
    const lines = ['id,amount,city,note'];
    for (let i = 0; i < 40_000; i += 1) {
      const note = i % 10 === 0 ? `"line one\nline ${i}"` : `n${i % 7}`;
      lines.push(`${i},${(i % 100) + 0.5},${cities[i % 4]},${note}`);
    }
    const path = dir.write('sorted.csv', lines.join('\n') + '\n');
    const limits = dir.limits({ exactDistributionBytes: 256 * 1024, distributionSampleBytes: 512 * 1024 });
    const sampled = profileOf(await profileFile(path, 'sorted.csv', limits));
    const exact = profileOf(await profileFile(path, 'sorted.csv', dir.limits()));

    assert.equal(sampled.rowCount, 40_000);
    for (const name of ['id', 'amount', 'city']) {
      const s = column(sampled.columns, name);
      const e = column(exact.columns, name);
      assert.equal(s.distributionEstimated, true, name);
      assert.equal(e.distributionEstimated, undefined, name);
      // what pass 1 counts stays exact
      assert.deepEqual([s.count, s.nullCount, s.min, s.max, s.mean], [e.count, e.nullCount, e.min, e.max, e.mean]);
    }
    const id = column(sampled.columns, 'id');
    assert.equal(histogramTotal(id), 40_000, 'the estimated bins add up to the exact count');
    assert.deepEqual(
      id.histogram?.map((b) => [b.start, b.end]),
      column(exact.columns, 'id').histogram?.map((b) => [b.start, b.end]),
    );
    // the file is sorted by id: stretches spread over the whole file keep every bin near 2,000
    for (const bin of id.histogram ?? [])
      assert.ok(Math.abs(bin.count - 2_000) < 400, `bin ${bin.start}: ${bin.count}`);
    const city = column(sampled.columns, 'city');
    assert.equal(city.distinctEstimate, 4);
    assert.deepEqual(city.topValues?.map((t) => t.value).sort(), [...cities].sort());
    for (const top of city.topValues ?? [])
      assert.ok(Math.abs(top.count - 10_000) < 2_000, `${top.value}: ${top.count}`);
  });

  test('the preview stops at previewRows, in file order, on a file DuckDB reads in parallel', async () => {
    const rows = Array.from(
      { length: 300_000 },
      (_, i) => `${i},${i % 7 === 0 ? 'seven' : 'other'},${(i * 0.5).toFixed(1)}`,
    );
    const path = dir.write('many.csv', `n,kind,half\n${rows.join('\n')}\n`);
    const profile = profileOf(await profileFile(path, 'many.csv', dir.limits({ previewRows: 3 })));
    assert.equal(profile.rowCount, 300_000);
    assert.deepEqual(profile.preview.rows, [
      [0, 'seven', 0],
      [1, 'other', 0.5],
      [2, 'other', 1],
    ]);
    const kind = column(profile.columns, 'kind');
    assert.deepEqual(kind.topValues, [
      { value: 'other', count: 300_000 - Math.ceil(300_000 / 7) },
      { value: 'seven', count: Math.ceil(300_000 / 7) },
    ]);
    const n = column(profile.columns, 'n');
    assert.equal(histogramTotal(n), 300_000);
    assert.deepEqual([n.min, n.max, n.mean], [0, 299_999, 149_999.5]);
  });

  test('TSV is told from CSV by its delimiter, whatever the extension', async () => {
    const tsv = 'word\tcount\tnote\nalpha\t3\thas, commas\nbeta\t5\tplain\n';
    for (const name of ['words.tsv', 'words.csv', 'words.data']) {
      const profile = profileOf(await profileFile(dir.write(name, tsv), name, dir.limits()));
      assert.equal(profile.format, 'TSV', name);
      assert.equal(profile.delimiter, '\t');
      assert.deepEqual(profile.preview.rows, [
        ['alpha', 3, 'has, commas'],
        ['beta', 5, 'plain'],
      ]);
      assert.deepEqual(
        column(profile.columns, 'count').histogram?.map((b) => b.count),
        [1, 0, 1],
      );
    }
  });

  test('a header-only CSV is valid with 0 rows', async () => {
    const profile = profileOf(await profileFile(dir.write('header.csv', 'a,b,c\n'), 'header.csv', dir.limits()));
    assert.equal(profile.rowCount, 0);
    assert.deepEqual(profile.preview, { columns: ['a', 'b', 'c'], rows: [] });
    assert.deepEqual(
      profile.columns.map((c) => [c.name, c.count, c.nullCount]),
      [
        ['a', 0, 0],
        ['b', 0, 0],
        ['c', 0, 0],
      ],
    );
  });

  test('a value past the sniffed sample that does not fit the column type makes the column VARCHAR', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},${i * 2}`);
    const path = dir.write('late.csv', `a,b\n${rows.join('\n')}\n30000,n/a\n`);
    const profile = profileOf(await profileFile(path, 'late.csv', dir.limits()));
    assert.equal(profile.rowCount, 30_001);
    assert.deepEqual(
      profile.columns.map((c) => c.type),
      ['BIGINT', 'VARCHAR'],
    );
  });

  test('JSON Lines: records with the sampled schema, nulls and top values', async () => {
    const jsonl = [
      '{"text": "great", "label": "pos", "stars": 5}',
      '{"text": "bad", "label": "neg", "stars": 1}',
      '',
      '{"text": "fine", "label": "pos", "stars": null}',
      '{"text": "ok", "label": "pos", "stars": 4}',
    ].join('\n');
    const profile = profileOf(await profileFile(dir.write('r.jsonl', jsonl), 'r.jsonl', dir.limits()));
    assert.equal(profile.format, 'JSONL');
    assert.equal(profile.rowCount, 4);
    assert.deepEqual(
      profile.columns.map((c) => [c.name, c.type]),
      [
        ['text', 'VARCHAR'],
        ['label', 'VARCHAR'],
        ['stars', 'BIGINT'],
      ],
    );
    assert.deepEqual(column(profile.columns, 'label').topValues, [
      { value: 'pos', count: 3 },
      { value: 'neg', count: 1 },
    ]);
    const stars = column(profile.columns, 'stars');
    assert.deepEqual([stars.nullCount, stars.min, stars.max, stars.mean, histogramTotal(stars)], [1, 1, 5, 10 / 3, 3]);
    assert.deepEqual(profile.preview.rows[2], ['fine', 'pos', null]);
  });

  test('Parquet written by DuckDB: types, stats and preview', async () => {
    const path = await dir.parquet(
      'numbers.parquet',
      `SELECT range AS id, (range * 0.5)::DOUBLE AS half, CASE WHEN range % 4 = 0 THEN NULL ELSE 'c' || (range % 2) END AS cat FROM range(100)`,
    );
    const profile = profileOf(await profileFile(path, 'data/numbers.parquet', dir.limits()));
    assert.equal(profile.format, 'PARQUET');
    assert.equal(profile.rowCount, 100);
    assert.deepEqual(
      profile.columns.map((c) => [c.name, c.type]),
      [
        ['id', 'BIGINT'],
        ['half', 'DOUBLE'],
        ['cat', 'VARCHAR'],
      ],
    );
    const half = column(profile.columns, 'half');
    assert.deepEqual([half.min, half.max, half.mean, half.nullCount], [0, 49.5, 24.75, 0]);
    assert.equal(histogramTotal(half), 100);
    assert.deepEqual(
      half.histogram!.map((b) => b.count),
      [...Array(19).fill(5), 5],
    );
    const cat = column(profile.columns, 'cat');
    assert.equal(cat.nullCount, 25);
    assert.deepEqual(cat.topValues, [
      { value: 'c1', count: 50 },
      { value: 'c0', count: 25 },
    ]);
    assert.deepEqual(profile.preview.rows.slice(0, 2), [
      [0, 0, null],
      [1, 0.5, 'c1'],
    ]);
  });

  test('the label column must exist', async () => {
    const path = dir.write('label.csv', CSV);
    assert.ok((await profileFile(path, 'label.csv', dir.limits(), { labelColumn: 'active' })).ok);
    const [issue, ...rest] = issuesOf(await profileFile(path, 'label.csv', dir.limits(), { labelColumn: 'species' }));
    assert.equal(rest.length, 0);
    assert.equal(issue!.code, 'UNKNOWN_LABEL_COLUMN');
    assert.match(issue!.message, /"species".*id, name, score, joined, active/);
  });

  test('the example iris.csv and reviews.jsonl profile as expected', async () => {
    const iris = profileOf(
      await profileFile(exampleData('iris.csv'), 'iris.csv', dir.limits(), { labelColumn: 'species' }),
    );
    assert.equal(iris.rowCount, 150);
    assert.deepEqual(
      column(iris.columns, 'species').topValues,
      ['setosa', 'versicolor', 'virginica'].map((value) => ({ value, count: 50 })),
    );
    assertClose(column(iris.columns, 'sepal_length').mean, 876.5 / 150);
    assert.deepEqual([column(iris.columns, 'petal_length').min, column(iris.columns, 'petal_length').max], [1, 6.9]);
    const reviews = profileOf(await profileFile(exampleData('reviews.jsonl'), 'reviews.jsonl', dir.limits()));
    assert.equal(reviews.rowCount, 30);
    assert.deepEqual(column(reviews.columns, 'label').topValues, [
      { value: 'positive', count: 13 },
      { value: 'negative', count: 10 },
      { value: 'neutral', count: 7 },
    ]);
  });
});

describe('format detection', () => {
  test('detects formats from content, with the extension only breaking ties', async () => {
    const cases: Array<[string, string | Buffer, string | null]> = [
      ['a.csv', CSV, 'CSV'],
      ['a.unknown', 'x;y\n1;2\n3;4\n', 'CSV'],
      ['a.tsv', 'x\ty\n1\t2\n', 'TSV'],
      ['a.log', '{"a": 1}\n{"b": 2}\n', 'JSONL'],
      ['notes.txt', 'a,b\n1,2\n', 'TEXT'],
      ['a.bin', Buffer.from('PAR1xxxx'), 'PARQUET'],
      ['a.bin', Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), 'NPY'],
      ['prose', 'Hello, world.\nThis is text, with commas, in places.\nMore.\n', 'TEXT'],
      ['a.json', '[{"a": 1}]', null],
    ];
    for (const [name, content, format] of cases) {
      const found = await detectFormat(dir.write(`detect-${name}`, content), name);
      assert.equal(found.format, format, `${name}: ${JSON.stringify(found)}`);
    }
  });
});
