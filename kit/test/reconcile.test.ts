import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { startReconcileLoop } from '../src/reconcile.js';

/** A logger whose JSON lines the test can read back. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; loop?: string; err?: { message: string } }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

async function eventually(check: () => void, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(10);
    }
  }
}

describe('reconcile loop', () => {
  test('runs at start-up and then periodically', async () => {
    const { logger } = capturingLogger();
    let runs = 0;
    const loop = startReconcileLoop({
      name: 'periodic',
      intervalMs: 30,
      logger,
      run: async () => {
        runs += 1;
      },
    });
    try {
      await eventually(() => assert.ok(runs >= 1));
      await eventually(() => assert.ok(runs >= 3));
    } finally {
      await loop.stop();
    }
  });

  test('never overlaps passes, however often it is asked to run', async () => {
    const { logger } = capturingLogger();
    let active = 0;
    let mostActive = 0;
    let runs = 0;
    const loop = startReconcileLoop({
      name: 'slow',
      intervalMs: 5,
      logger,
      run: async () => {
        active += 1;
        mostActive = Math.max(mostActive, active);
        await sleep(40);
        runs += 1;
        active -= 1;
      },
    });
    try {
      await Promise.all([loop.runNow(), loop.runNow(), loop.runNow()]);
      await loop.runNow();
      assert.equal(mostActive, 1);
      // The start-up pass, the shared follow-up of the three concurrent calls, the fourth call (at least).
      assert.ok(runs >= 3, `ran ${runs} times`);
    } finally {
      await loop.stop();
    }
  });

  test('runNow runs a fresh pass after the one in progress and resolves when it is done', async () => {
    const { logger } = capturingLogger();
    const passes: string[] = [];
    let state = 'old';
    const loop = startReconcileLoop({
      name: 'fresh',
      intervalMs: 60_000,
      logger,
      run: async () => {
        const seen = state;
        await sleep(30);
        passes.push(seen);
      },
    });
    try {
      await sleep(5); // the start-up pass is in progress and has read the old state
      state = 'new';
      await loop.runNow();
      assert.deepEqual(passes, ['old', 'new']);
    } finally {
      await loop.stop();
    }
  });

  test('logs a failed pass and keeps going', async () => {
    const { logger, lines } = capturingLogger();
    let runs = 0;
    const loop = startReconcileLoop({
      name: 'flaky',
      intervalMs: 10,
      logger,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('database went away');
      },
    });
    try {
      await eventually(() => assert.ok(runs >= 3));
      const failures = lines.filter((line) => line.msg === 'reconcile pass failed');
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.loop, 'flaky');
      assert.equal(failures[0]?.err?.message, 'database went away');
    } finally {
      await loop.stop();
    }
    await assert.doesNotReject(loop.runNow());
  });

  test('stop aborts the pass in progress, waits for it, and runs no more', async () => {
    const { logger } = capturingLogger();
    let runs = 0;
    let sawAbort = false;
    const loop = startReconcileLoop({
      name: 'stopping',
      intervalMs: 10,
      logger,
      run: async (signal) => {
        runs += 1;
        await new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve();
          });
        });
      },
    });
    await eventually(() => assert.equal(runs, 1));
    await loop.stop();
    assert.ok(sawAbort);
    await loop.runNow();
    await sleep(50);
    assert.equal(runs, 1);
  });
});
