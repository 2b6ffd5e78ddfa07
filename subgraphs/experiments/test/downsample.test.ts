import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { downsample } from '../src/metrics/downsample.js';
import type { MetricPoint } from '../src/tracking/api.js';

const series = (n: number, value: (step: number) => number): MetricPoint[] =>
  Array.from({ length: n }, (_, step) => ({ step, value: value(step), timestamp: 1_700_000_000_000 + step }));

/** Output points are input points, in order, first and last included. */
function assertSubsequence(out: MetricPoint[], input: MetricPoint[]) {
  assert.equal(out[0], input[0]);
  assert.equal(out[out.length - 1], input[input.length - 1]);
  let at = 0;
  for (const p of out) {
    const found = input.indexOf(p, at);
    assert.ok(found >= at, `point at step ${p.step} is not from the input, or out of order`);
    at = found + 1;
  }
}

describe('LTTB downsampling', () => {
  test('a series at or under the threshold comes back unchanged', () => {
    const input = series(50, (s) => s * 2);
    assert.deepEqual(downsample(input, 50), input);
    assert.deepEqual(downsample(input, 1000), input);
    assert.deepEqual(downsample([], 10), []);
  });

  test('10,000 points become exactly the threshold, first and last kept, and a one-step spike survives', () => {
    const input = series(10_000, (s) => (s === 6_543 ? 50 : Math.sin(s / 500)));
    const out = downsample(input, 1000);
    assert.equal(out.length, 1000);
    assertSubsequence(out, input);
    assert.ok(
      out.some((p) => p.step === 6_543 && p.value === 50),
      'the spike was dropped',
    );
    // evenly spaced sampling would almost surely miss it
    assert.ok(!input.filter((_, i) => i % 10 === 0).some((p) => p.value === 50));
  });

  test('the shape is kept: the extremes of a noisy loss curve stay within the sampled range', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 0.2;
    const input = series(20_000, (s) => 2 * Math.exp(-s / 4000) + noise());
    const out = downsample(input, 500);
    const values = (ps: MetricPoint[]) => ps.map((p) => p.value);
    const [inMin, inMax] = [Math.min(...values(input)), Math.max(...values(input))];
    const [outMin, outMax] = [Math.min(...values(out)), Math.max(...values(out))];
    assert.ok(outMax >= inMax - 0.15 * (inMax - inMin), `max ${outMax} vs ${inMax}`);
    assert.ok(outMin <= inMin + 0.15 * (inMax - inMin), `min ${outMin} vs ${inMin}`);
    // and the trend: the sampled curve decreases from the first to the last tenth like the input
    const tenth = (ps: MetricPoint[], i: number) => {
      const part = ps.slice(Math.floor((i * ps.length) / 10), Math.floor(((i + 1) * ps.length) / 10));
      return part.reduce((a, p) => a + p.value, 0) / part.length;
    };
    assert.ok(Math.abs(tenth(out, 0) - tenth(input, 0)) < 0.1);
    assert.ok(Math.abs(tenth(out, 9) - tenth(input, 9)) < 0.1);
  });

  test('NaN and ±Infinity never win a bucket that has a finite point', () => {
    const input = series(1000, (s) =>
      s % 7 === 0 ? Number.NaN : s % 11 === 0 ? Number.POSITIVE_INFINITY : Math.cos(s / 30),
    );
    const out = downsample(input, 100);
    assert.equal(out.length, 100);
    assertSubsequence(out, input);
    assert.ok(out.slice(1, -1).every((p) => Number.isFinite(p.value)));
  });

  test('a stretch of nothing but NaN keeps a point, so a divergence shows as a gap', () => {
    const input = series(1000, (s) => (s >= 400 && s < 600 ? Number.NaN : s));
    const out = downsample(input, 50);
    assert.equal(out.length, 50);
    assertSubsequence(out, input);
    assert.ok(out.some((p) => Number.isNaN(p.value)));
    assert.ok(out.filter((p) => p.step < 400 || p.step >= 600).every((p) => Number.isFinite(p.value)));
  });

  test('a series that starts with NaN still samples its finite points', () => {
    const input = series(300, (s) => (s < 3 ? Number.NaN : s % 50 === 0 ? 10 : 0));
    const out = downsample(input, 30);
    assert.equal(out.length, 30);
    assertSubsequence(out, input);
    assert.ok(out.filter((p) => p.value === 10).length >= 5);
  });

  test('tiny thresholds: 2 keeps the ends, 1 the first, 0 nothing', () => {
    const input = series(10, (s) => s);
    assert.deepEqual(downsample(input, 2), [input[0], input[9]]);
    assert.deepEqual(downsample(input, 1), [input[0]]);
    assert.deepEqual(downsample(input, 0), []);
  });
});
