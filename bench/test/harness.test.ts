import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rotated } from '../src/harness/benchmark.js';
import { describeFailures, type LoadResult } from '../src/harness/load.js';
import { formatNumber, markdownTable } from '../src/harness/markdown.js';
import { median, quantileOfSorted } from '../src/harness/statistics.js';

test('median takes the middle value, or the mean of the middle two', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('quantileOfSorted uses the nearest rank', () => {
  const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(quantileOfSorted(sorted, 0.5), 5);
  assert.equal(quantileOfSorted(sorted, 0.99), 10);
  assert.equal(quantileOfSorted(sorted, 0), 1);
});

test('rotated starts each round with the next target', () => {
  assert.deepEqual(rotated(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
  assert.deepEqual(rotated(['a', 'b', 'c'], 1), ['b', 'c', 'a']);
  assert.deepEqual(rotated(['a', 'b', 'c'], 4), ['b', 'c', 'a']);
});

test('describeFailures names each kind of failed request', () => {
  const result = (failures: Partial<LoadResult>): LoadResult => ({
    completed: 10,
    seconds: 1,
    rps: 10,
    p50: 1,
    p95: 1,
    p99: 1,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    mismatches: 0,
    ...failures,
  });
  assert.equal(describeFailures([result({}), result({})]), '0');
  assert.equal(describeFailures([result({ timeouts: 2 }), result({ non2xx: 1 })]), '3 (1 non-2xx, 2 timeouts)');
});

test('markdownTable and formatNumber print what the docs paste', () => {
  assert.equal(markdownTable(['a', 'b'], [['1', '2']]), '| a | b |\n| --- | --- |\n| 1 | 2 |');
  assert.equal(formatNumber(1234.5), '1235');
  assert.equal(formatNumber(12.345), '12.3');
  assert.equal(formatNumber(1.2345), '1.23');
});
