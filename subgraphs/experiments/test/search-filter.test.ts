import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@aitip/kit';
import { parseExperimentFilter, parseRunFilter } from '../src/search/index.js';

/** Asserts `work` fails with a search error at `position` whose message names `token`. */
function rejects(work: () => unknown, position: number, token: string | RegExp) {
  assert.throws(work, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.equal(err.extensions['code'], 'BAD_USER_INPUT');
    assert.equal(err.extensions['mlflowCode'], 'INVALID_PARAMETER_VALUE');
    assert.equal(err.extensions['position'], position, err.message);
    if (typeof token === 'string') assert.ok(err.message.includes(token), `"${err.message}" should name ${token}`);
    else assert.match(err.message, token);
    return true;
  });
}

const clauses = (text: string) =>
  parseRunFilter(text).clauses.map(({ entity, key, comparator, value }) => ({ entity, key, comparator, value }));

describe('run filter grammar: what MLflow accepts', () => {
  test("the issue's example parses into four ANDed clauses", () => {
    assert.deepEqual(
      clauses("metrics.rmse < 1 and params.model = 'cnn' and tags.team = 'x' and attributes.status = 'FINISHED'"),
      [
        { entity: 'metric', key: 'rmse', comparator: '<', value: 1 },
        { entity: 'param', key: 'model', comparator: '=', value: 'cnn' },
        { entity: 'tag', key: 'team', comparator: '=', value: 'x' },
        { entity: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
      ],
    );
  });

  test('an empty or blank filter has no clauses', () => {
    assert.deepEqual(parseRunFilter('').clauses, []);
    assert.deepEqual(parseRunFilter('   ').clauses, []);
    assert.deepEqual(parseRunFilter(undefined).clauses, []);
  });

  test('keys with special characters are quoted with backticks or double quotes; values with single or double quotes', () => {
    assert.deepEqual(
      clauses('metrics.`f1 score` >= 0.5 AND params."model-type" = "cnn" and tags.`mlflow.user` != \'bob\''),
      [
        { entity: 'metric', key: 'f1 score', comparator: '>=', value: 0.5 },
        { entity: 'param', key: 'model-type', comparator: '=', value: 'cnn' },
        { entity: 'tag', key: 'mlflow.user', comparator: '!=', value: 'bob' },
      ],
    );
  });

  test('the key is everything after the first dot, as in MLflow (tags.mlflow.runName)', () => {
    assert.deepEqual(clauses('tags.mlflow.runName = \'a\' and metrics."2019-04-02 error rate" < 2'), [
      { entity: 'tag', key: 'mlflow.runName', comparator: '=', value: 'a' },
      { entity: 'metric', key: '2019-04-02 error rate', comparator: '<', value: 2 },
    ]);
  });

  test('attribute shorthands and aliases: status, run_name, created, `Run name`, attr./run. prefixes', () => {
    assert.deepEqual(
      clauses(
        "status = 'FAILED' and run_name LIKE 'x%' and created > 100 and `Run name` = 'r' and attr.user_id = 'u' and run.end_time <= 5",
      ),
      [
        { entity: 'attribute', key: 'status', comparator: '=', value: 'FAILED' },
        { entity: 'attribute', key: 'run_name', comparator: 'LIKE', value: 'x%' },
        { entity: 'attribute', key: 'start_time', comparator: '>', value: 100 },
        { entity: 'attribute', key: 'run_name', comparator: '=', value: 'r' },
        { entity: 'attribute', key: 'user_id', comparator: '=', value: 'u' },
        { entity: 'attribute', key: 'end_time', comparator: '<=', value: 5 },
      ],
    );
  });

  test('param, parameter, parameters, metric, tag are the same entity types as their plurals', () => {
    assert.deepEqual(
      clauses("param.a = '1' and parameter.b = '2' and parameters.c = '3' and metric.d > 0 and tag.e = 'f'").map(
        (c) => c.entity,
      ),
      ['param', 'param', 'param', 'metric', 'tag'],
    );
  });

  test('comparators and keywords are case-insensitive; IN and NOT IN take string lists', () => {
    assert.deepEqual(
      clauses(
        "params.x like 'a%' AND tags.y ilike '%B' and attributes.status not in ('KILLED', \"FAILED\") and attributes.run_id in ('a1')",
      ),
      [
        { entity: 'param', key: 'x', comparator: 'LIKE', value: 'a%' },
        { entity: 'tag', key: 'y', comparator: 'ILIKE', value: '%B' },
        { entity: 'attribute', key: 'status', comparator: 'NOT IN', value: ['KILLED', 'FAILED'] },
        { entity: 'attribute', key: 'run_id', comparator: 'IN', value: ['a1'] },
      ],
    );
  });

  test('IS NULL and IS NOT NULL test whether a param, tag or metric was logged', () => {
    assert.deepEqual(clauses('tags.env IS NULL and params.lr is not null and metrics.loss IS NULL'), [
      { entity: 'tag', key: 'env', comparator: 'IS NULL', value: null },
      { entity: 'param', key: 'lr', comparator: 'IS NOT NULL', value: null },
      { entity: 'metric', key: 'loss', comparator: 'IS NULL', value: null },
    ]);
  });

  test('numbers may be negative, fractional or in exponent form; times are epoch milliseconds', () => {
    assert.deepEqual(
      clauses('metrics.x > -1.5e-3 and metrics.y<=.25 and attributes.start_time >= 1664067852747').map((c) => c.value),
      [-0.0015, 0.25, 1664067852747],
    );
  });

  test('a doubled or backslash-escaped quote inside a string is one quote', () => {
    assert.deepEqual(
      clauses("params.name = 'it''s' and params.b = 'o\\'k'").map((c) => c.value),
      ["it's", "o'k"],
    );
  });

  test('datasets.name, digest and context can be filtered', () => {
    assert.deepEqual(
      clauses("datasets.name = 'mnist' and datasets.context IN ('train')").map((c) => [c.entity, c.key]),
      [
        ['dataset', 'name'],
        ['dataset', 'context'],
      ],
    );
  });

  test('each clause records the column it starts at', () => {
    assert.deepEqual(
      parseRunFilter("metrics.a > 1 AND params.b = 'x'").clauses.map((c) => c.position),
      [1, 19],
    );
  });
});

describe('run filter grammar: errors point at the offending token', () => {
  test('OR is refused at its column', () =>
    rejects(() => parseRunFilter("metrics.rmse < 1 or params.a = 'b'"), 18, "'or'"));
  test('an unquoted string value', () => rejects(() => parseRunFilter('params.model = cnn'), 16, "'cnn'"));
  test('a quoted value for a metric', () => rejects(() => parseRunFilter("metrics.rmse < '1'"), 16, "'1'"));
  test('a string comparator on a metric', () => rejects(() => parseRunFilter('metrics.rmse LIKE 1'), 14, 'LIKE'));
  test('a numeric comparator on a string attribute', () =>
    rejects(() => parseRunFilter("attributes.status > 'A'"), 19, /comparator > cannot be used/));
  test('a string for a time attribute', () =>
    rejects(() => parseRunFilter("attributes.start_time > 'yesterday'"), 25, "'yesterday'"));
  test('an unknown entity type', () => rejects(() => parseRunFilter("foo.bar = 'x'"), 1, "'foo'"));
  test('an unknown attribute, suggesting metrics./params./tags.', () =>
    rejects(() => parseRunFilter('rmse < 1'), 1, 'metrics.rmse'));
  test('an unknown attribute after attributes.', () =>
    rejects(() => parseRunFilter("attributes.colour = 'red'"), 12, "'colour'"));
  test('a dangling AND points at the end of the text', () =>
    rejects(() => parseRunFilter("params.a = 'x' and"), 19, 'the end of the text'));
  test('an unterminated quote points at where it opens', () =>
    rejects(() => parseRunFilter("params.a = 'unterminated"), 12, 'Unterminated quote'));
  test('== is not a comparator', () => rejects(() => parseRunFilter("params.a == 'x'"), 10, "'=='"));
  test('two clauses without AND', () => rejects(() => parseRunFilter("params.a = 'x' params.b = 'y'"), 16, "'params'"));
  test('an empty IN list', () => rejects(() => parseRunFilter('attributes.run_id IN ()'), 23, 'empty'));
  test('IN without parentheses', () => rejects(() => parseRunFilter("attributes.run_id IN 'a'"), 22, "'a'"));
  test('a number in an IN list', () => rejects(() => parseRunFilter("attributes.status IN ('A', 2)"), 28, "'2'"));
  test('grouping parentheses', () => rejects(() => parseRunFilter('(metrics.a > 1)'), 1, 'parentheses'));
  test('a character the language does not use', () =>
    rejects(() => parseRunFilter('metrics.a > 1 && metrics.b < 2'), 15, "'&'"));
  test('a missing comparator', () => rejects(() => parseRunFilter('metrics.a 1'), 11, "'1'"));
  test('IS without NULL', () => rejects(() => parseRunFilter('tags.a IS 1'), 11, "'1'"));
  test('IS NULL on an attribute (not in MLflow)', () =>
    rejects(() => parseRunFilter('attributes.end_time IS NULL'), 21, 'IS NULL'));
  test('a missing value', () => rejects(() => parseRunFilter('metrics.a >'), 12, 'the end of the text'));
  test('a space after the dot', () => rejects(() => parseRunFilter('metrics. a > 1'), 10, "'a'"));
});

describe('experiment filter grammar', () => {
  test('name, tags and times, with or without attributes.', () => {
    assert.deepEqual(
      parseExperimentFilter(
        "name LIKE 'vision-%' and attributes.name != 'x' and tags.team = 'y' and creation_time > 5 and tags.`a b` IS NULL",
      ).clauses.map(({ entity, key, comparator, value }) => [entity, key, comparator, value]),
      [
        ['attribute', 'name', 'LIKE', 'vision-%'],
        ['attribute', 'name', '!=', 'x'],
        ['tag', 'team', '=', 'y'],
        ['attribute', 'creation_time', '>', 5],
        ['tag', 'a b', 'IS NULL', null],
      ],
    );
  });
  test('metrics are not an experiment entity', () =>
    rejects(() => parseExperimentFilter('metrics.a > 1'), 1, "'metrics'"));
  test('an unknown attribute', () => rejects(() => parseExperimentFilter("owner = 'x'"), 1, "'owner'"));
  test('a string for last_update_time', () =>
    rejects(() => parseExperimentFilter("last_update_time < 'now'"), 20, "'now'"));
});
