import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { profileFile } from '../src/profiling/index.js';
import { FixtureDir, issuesOf, png, profileOf, zip } from './profiling-fixtures.js';

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

describe('rejecting bad tabular files', () => {
  test('malformed rows give MALFORMED_ROW with the physical line, even after a multi-line field', async () => {
    const csv = 'a,b\n1,"two\nlines"\n2,"x"y\n3,ok\n';
    const issues = issuesOf(await profileFile(dir.write('quotes.csv', csv), 'quotes.csv', dir.limits()));
    assert.deepEqual(
      issues.map((i) => [i.code, i.line, i.file]),
      [['MALFORMED_ROW', 4, 'quotes.csv']],
    );
    assert.match(issues[0]!.message, /line 4 .*quote/);
  });

  test('rows with too many or too few fields give INCONSISTENT_COLUMNS with line numbers', async () => {
    const csv = 'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n';
    const issues = issuesOf(await profileFile(dir.write('fields.csv', csv), 'fields.csv', dir.limits()));
    assert.deepEqual(
      issues.map((i) => [i.code, i.line]),
      [
        ['INCONSISTENT_COLUMNS', 3],
        ['INCONSISTENT_COLUMNS', 5],
      ],
    );
    assert.equal(
      issues[0]!.message,
      'line 3 has 2 fields but the header has 3; fix the row, or quote fields that contain the comma delimiter',
    );
    assert.match(issues[1]!.message, /line 5 has 4 fields but the header has 3/);
  });

  test('a bad row far into a large file still gets its exact line', async () => {
    const rows = Array.from({ length: 400_000 }, (_, i) => `${i},row ${i},${i % 10}`);
    rows.splice(350_000, 0, '1,too,many,fields');
    const path = dir.write('far.csv', `id,text,digit\n${rows.join('\n')}\n`);
    const issues = issuesOf(await profileFile(path, 'far.csv', dir.limits()));
    assert.deepEqual(
      issues.map((i) => [i.code, i.line]),
      [['INCONSISTENT_COLUMNS', 350_002]],
    );
  });

  test('invalid UTF-8 gives INVALID_UTF8 with the line', async () => {
    const csv = Buffer.concat([
      Buffer.from('name,city\nada,Paris\nbob,'),
      Buffer.from([0x4d, 0xfc, 0x6e]),
      Buffer.from('chen\n'),
    ]);
    const issues = issuesOf(await profileFile(dir.write('latin1.csv', csv), 'latin1.csv', dir.limits()));
    assert.deepEqual(
      issues.map((i) => [i.code, i.line]),
      [['INVALID_UTF8', 3]],
    );
    assert.match(issues[0]!.message, /save the file as UTF-8/);
  });

  test('at most maxIssues issues are reported', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},x,extra`);
    const path = dir.write('many-bad.csv', `a,b\n1,2\n${rows.join('\n')}\n`);
    const issues = issuesOf(await profileFile(path, 'many-bad.csv', dir.limits({ maxIssues: 3 })));
    assert.deepEqual(
      issues.map((i) => i.line),
      [3, 4, 5],
    );
  });

  test('a JSON Lines line that is not a JSON object gives INVALID_JSON with the line', async () => {
    const jsonl = '{"a": 1}\n{"a": 2,}\n[1, 2]\n\n{"a": 3}\n"text"\n{"a": 4\n';
    const issues = issuesOf(await profileFile(dir.write('bad.jsonl', jsonl), 'bad.jsonl', dir.limits()));
    assert.deepEqual(
      issues.map((i) => [i.code, i.line]),
      [
        ['INVALID_JSON', 2],
        ['INVALID_JSON', 3],
        ['INVALID_JSON', 6],
        ['INVALID_JSON', 7],
      ],
    );
    assert.match(issues[1]!.message, /line 3 holds an array, not a JSON object/);
  });

  test('Parquet that DuckDB cannot read gives INVALID_PARQUET', async () => {
    const path = dir.write(
      'broken.parquet',
      Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7), Buffer.from('PAR1')]),
    );
    const issues = issuesOf(await profileFile(path, 'broken.parquet', dir.limits()));
    assert.deepEqual(
      issues.map((i) => i.code),
      ['INVALID_PARQUET'],
    );
    assert.match(issues[0]!.message, /^broken\.parquet could not be read as Parquet/);
    assert.ok(!issues[0]!.message.includes(dir.path), 'messages name the dataset file, not the local copy');
  });

  test('empty files: 0 bytes or only whitespace', async () => {
    for (const [name, content] of [
      ['empty.csv', ''],
      ['blank.csv', ' \n\n\t\n'],
      ['blank.txt', '\n \n'],
    ]) {
      const issues = issuesOf(await profileFile(dir.write(name!, content!), name!, dir.limits()));
      assert.deepEqual(
        issues.map((i) => i.code),
        ['EMPTY_FILE'],
        name,
      );
    }
  });

  test('a file over the per-file limit gives FILE_TOO_LARGE before it is read', async () => {
    const issues = issuesOf(await profileFile(dir.write('big.csv', CSV), 'big.csv', dir.limits({ maxFileBytes: 10 })));
    assert.deepEqual(
      issues.map((i) => i.code),
      ['FILE_TOO_LARGE'],
    );
    assert.match(issues[0]!.message, /more than the 10 bytes/);
  });

  test('content that does not match the extension gives EXTENSION_MISMATCH naming both', async () => {
    const archive = zip([{ name: 'cat/1.png', data: await png(4, 4) }]);
    const zipAsCsv = issuesOf(await profileFile(dir.write('data.csv', archive), 'data.csv', dir.limits()));
    assert.deepEqual(
      zipAsCsv.map((i) => i.code),
      ['EXTENSION_MISMATCH'],
    );
    assert.match(
      zipAsCsv[0]!.message,
      /^data\.csv has the extension \.csv \(CSV\) but its content is a zip archive; rename/,
    );
    const textAsParquet = issuesOf(
      await profileFile(dir.write('x.parquet', 'just some words\nand more\n'), 'x.parquet', dir.limits()),
    );
    assert.deepEqual(
      textAsParquet.map((i) => i.code),
      ['EXTENSION_MISMATCH'],
    );
    assert.match(textAsParquet[0]!.message, /extension \.parquet \(Parquet\) but its content is plain text/);
    const csvAsJsonl = issuesOf(await profileFile(dir.write('rows.jsonl', CSV), 'rows.jsonl', dir.limits()));
    assert.match(csvAsJsonl[0]!.message, /extension \.jsonl \(JSON Lines\) but its content is comma-separated values/);
  });

  test('an unknown extension with valid content is fine: the content decides', async () => {
    const profile = profileOf(await profileFile(dir.write('export.dat', CSV), 'export.dat', dir.limits()));
    assert.equal(profile.format, 'CSV');
    assert.equal(profile.rowCount, 5);
  });

  test('binary content that is no supported format gives UNSUPPORTED_FORMAT', async () => {
    const issues = issuesOf(
      await profileFile(dir.write('blob.bin', Buffer.from([0, 1, 2, 3, 0, 255])), 'blob.bin', dir.limits()),
    );
    assert.deepEqual(
      issues.map((i) => i.code),
      ['UNSUPPORTED_FORMAT'],
    );
  });

  test('an aborted call rejects with the signal reason, interrupting DuckDB, and leaves no temporary files', async () => {
    const before = new AbortController();
    before.abort(new Error('job cancelled'));
    await assert.rejects(
      profileFile(dir.write('abort.csv', CSV), 'abort.csv', dir.limits(), { signal: before.signal }),
      /job cancelled/,
    );
    // abort from the first progress report inside DuckDB's first scan
    const rows = Array.from({ length: 1_500_000 }, (_, i) => `${i},${i % 13},name ${i % 1000}`);
    const path = dir.write('abort-late.csv', `a,b,c\n${rows.join('\n')}\n`);
    const during = new AbortController();
    await assert.rejects(
      profileFile(path, 'abort-late.csv', dir.limits(), {
        signal: during.signal,
        onProgress: (f) => {
          if (f > 0 && f < 1) during.abort(new Error('stopped while scanning'));
        },
      }),
      /stopped while scanning/,
    );
    assert.deepEqual(
      readdirSync(dir.path).filter((f) => f.startsWith('profile-')),
      [],
      'the temporary database folder is removed',
    );
  });
});
