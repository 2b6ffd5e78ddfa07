import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { InputError } from '@aitip/kit';
import {
  buildExperimentSearch,
  buildRunSearch,
  decodePageToken,
  encodePageToken,
  parseExperimentOrderBy,
  parseOrderBy,
} from '../src/search/index.js';
import type { SearchRunsInput } from '../src/tracking/api.js';

function searchError(work: () => unknown, pattern: RegExp, position?: number) {
  assert.throws(work, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.equal(err.extensions['mlflowCode'], 'INVALID_PARAMETER_VALUE');
    assert.match(err.message, pattern);
    if (position !== undefined) assert.equal(err.extensions['position'], position);
    return true;
  });
}

const runs = (over: Partial<SearchRunsInput> = {}): SearchRunsInput => ({
  experimentIds: [randomUUID()],
  maxResults: 2,
  viewType: 'ACTIVE_ONLY',
  ...over,
});

describe('order_by', () => {
  test('metrics, params, tags and attributes, ascending unless DESC, with MLflow aliases', () => {
    assert.deepEqual(
      parseOrderBy([
        'metrics.rmse DESC',
        'params.lr',
        'attributes.start_time asc',
        'tags.`mlflow.user` DESC',
        'run_name',
        'created',
        'metrics."f1 score" desc',
        'attributes.experiment_id',
      ]),
      [
        { entity: 'metric', key: 'rmse', ascending: false },
        { entity: 'param', key: 'lr', ascending: true },
        { entity: 'attribute', key: 'start_time', ascending: true },
        { entity: 'tag', key: 'mlflow.user', ascending: false },
        { entity: 'attribute', key: 'run_name', ascending: true },
        { entity: 'attribute', key: 'start_time', ascending: true },
        { entity: 'metric', key: 'f1 score', ascending: false },
        { entity: 'attribute', key: 'experiment_id', ascending: true },
      ],
    );
  });

  test('an unknown direction, entity or attribute is an error naming the entry and column', () => {
    searchError(
      () => parseOrderBy(['metrics.rmse DOWN']),
      /order_by entry 'metrics.rmse DOWN' at column 14, 'DOWN'/,
      14,
    );
    searchError(() => parseOrderBy(['foo.x']), /'foo' is not a valid entity type/, 1);
    searchError(() => parseOrderBy(['attributes.nope']), /'nope' is not a run attribute/, 12);
    searchError(() => parseOrderBy(['datasets.name']), /'datasets' is not a valid entity type/, 1);
    searchError(() => parseOrderBy(['metrics.a DESC, metrics.b']), /at column 15, ','/, 15);
  });

  test('a column named twice is refused', () => {
    searchError(
      () => buildRunSearch(runs({ orderBy: ['metrics.a', 'metrics.a DESC'] })),
      /metric\.a is named more than once/,
    );
  });

  test("MLflow's default order is start_time DESC then run id; NULLs always last", () => {
    const { sql } = buildRunSearch(runs());
    assert.match(sql, /ORDER BY r\.start_time DESC NULLS LAST, r\.id ASC LIMIT/);
    const ordered = buildRunSearch(runs({ orderBy: ['metrics.rmse'] })).sql;
    assert.match(
      ordered,
      /ORDER BY \(SELECT NULLIF\(m\.value, 'NaN'::float8\).*\) ASC NULLS LAST, r\.start_time DESC NULLS LAST, r\.id ASC LIMIT/,
    );
  });

  test('experiments: name, times and id; default creation_time DESC then id; tags cannot order', () => {
    assert.deepEqual(parseExperimentOrderBy(['name DESC', 'attributes.last_update_time']), [
      { key: 'name', ascending: false },
      { key: 'last_update_time', ascending: true },
    ]);
    assert.match(
      buildExperimentSearch({ maxResults: 5, viewType: 'ALL' }).sql,
      /ORDER BY e\.created_at DESC, e\.id ASC LIMIT/,
    );
    searchError(() => parseExperimentOrderBy(['tags.team']), /cannot be ordered by a tag/, 1);
  });
});

describe('compiled statements', () => {
  test('user text never reaches the SQL: every value is a parameter', () => {
    const evil = "x'; DROP TABLE experiments.runs; --";
    const { sql, params } = buildRunSearch(
      runs({
        filter: `params.\`${evil}\` = '${evil.replace(/'/g, "''")}' and tags.a LIKE '%${evil.replace(/'/g, "''")}'`,
        orderBy: [`tags.\`${evil}\` DESC`],
      }),
    );
    assert.ok(!sql.includes('DROP'), sql);
    assert.ok(params.includes(evil));
    assert.ok(params.includes(`%${evil}`));
  });

  test('the statement asks for one row more than a page, and page() keeps maxResults with a token', () => {
    const search = buildRunSearch(runs({ maxResults: 2 }));
    assert.equal(search.params[search.params.length - 1], 3);
    const rows = [0, 1, 2].map((i) => ({ id: randomUUID(), k0: String(1_700_000_000_000_000 - i), k1: randomUUID() }));
    const page = search.page(rows);
    assert.deepEqual(page.ids, [rows[0]!.id, rows[1]!.id]);
    assert.ok(page.nextPageToken && /^[A-Za-z0-9_-]+$/.test(page.nextPageToken));
    assert.deepEqual(search.page(rows.slice(0, 2)), { ids: [rows[0]!.id, rows[1]!.id], nextPageToken: null });
  });

  test("a page token continues after its row: its keys become parameters of an 'after' predicate", () => {
    const first = buildRunSearch(runs({ orderBy: ['metrics.acc DESC'] }));
    const last = { id: randomUUID(), k0: '0.5', k1: '1700000000000000', k2: randomUUID() };
    const token = first.page([{ id: randomUUID(), k0: 0.75, k1: '1', k2: randomUUID() }, last, last]).nextPageToken!;
    const next = buildRunSearch(runs({ orderBy: ['metrics.acc DESC'], pageToken: token }));
    assert.ok(next.params.includes('0.5') && next.params.includes('1700000000000000') && next.params.includes(last.k2));
    assert.match(next.sql, /IS NULL/);
    assert.doesNotMatch(next.sql, /OFFSET/);
  });

  test('max_results must be 1 to 50000; the view type must be MLflow’s', () => {
    searchError(() => buildRunSearch(runs({ maxResults: 0 })), /max_results/);
    searchError(() => buildRunSearch(runs({ maxResults: 50_001 })), /max_results/);
    searchError(() => buildRunSearch(runs({ maxResults: 1.5 })), /max_results/);
    searchError(() => buildRunSearch(runs({ viewType: 'SOME' as never })), /view type/);
  });
});

describe('page tokens', () => {
  const expected = { scope: 'runs' as const, order: 'o1', types: ['float8', 'uuid'] as const, nullable: [true, false] };
  const id = randomUUID();

  test('round-trip through opaque base64url', () => {
    const token = encodePageToken({ scope: 'runs', order: 'o1', keys: [null, id] });
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodePageToken(token, { ...expected, types: [...expected.types] }), [null, id]);
    const inf = encodePageToken({ scope: 'runs', order: 'o1', keys: ['-Infinity', id] });
    assert.deepEqual(decodePageToken(inf, { ...expected, types: [...expected.types] }), ['-Infinity', id]);
  });

  test('tampered, foreign or stale tokens are INVALID_PARAMETER_VALUE, never a database error', () => {
    const decode = (token: string) => () => decodePageToken(token, { ...expected, types: [...expected.types] });
    const forge = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    searchError(decode('not a token!'), /Invalid page token/);
    searchError(decode(Buffer.from('{"offset": 10}').toString('base64')), /Invalid page token/);
    searchError(decode(forge([1, 2])), /not a token this server issued/);
    searchError(decode(forge({ v: 1, s: 'experiments', o: 'o1', k: [null, id] })), /search of experiments/);
    searchError(decode(forge({ v: 1, s: 'runs', o: 'other', k: [null, id] })), /another order_by/);
    searchError(decode(forge({ v: 1, s: 'runs', o: 'o1', k: [null] })), /another order_by/);
    searchError(decode(forge({ v: 1, s: 'runs', o: 'o1', k: ['1; DROP', id] })), /position does not match/);
    searchError(decode(forge({ v: 1, s: 'runs', o: 'o1', k: ['1', 'not-a-uuid'] })), /position does not match/);
    searchError(decode(forge({ v: 1, s: 'runs', o: 'o1', k: ['1', null] })), /position does not match/);
  });

  test('a token of one order_by is refused by a search with another', () => {
    const search = buildRunSearch(runs({ orderBy: ['metrics.acc DESC'] }));
    const row = { id: randomUUID(), k0: 1, k1: '1', k2: randomUUID() };
    const token = search.page([row, row, row]).nextPageToken!;
    searchError(() => buildRunSearch(runs({ orderBy: ['metrics.acc'], pageToken: token })), /another order_by/);
    searchError(() => buildExperimentSearch({ maxResults: 2, viewType: 'ALL', pageToken: token }), /search of runs/);
  });
});
