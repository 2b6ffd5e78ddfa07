import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemoryRateLimiter, RedisRateLimiter, createLogger, type RateLimiter } from '../src/index.js';

const logger = createLogger('test', 'silent');
const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

for (const kind of ['redis', 'memory'] as const) {
  describe(`rate limiter (${kind})`, () => {
    const limiter: RateLimiter = kind === 'redis' ? new RedisRateLimiter(redisUrl, logger) : new MemoryRateLimiter();
    after(() => limiter.close());

    test('allows a burst up to the limit, then refuses with the time to wait', async () => {
      const key = `test:${randomUUID()}`;
      const check = { key, limit: 3, windowMs: 60_000 };
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        const decision = await limiter.hit([check]);
        assert.equal(decision.allowed, true);
        remaining.push(decision.remaining);
      }
      assert.deepEqual(remaining, [2, 1, 0]);
      const refused = await limiter.hit([check]);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.equal(refused.limit, 3);
      assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 20_000, `retry after ${refused.retryAfterMs} ms`);
    });

    test('a request is charged against every check only when all allow it; the refusing check is named', async () => {
      const principal = { key: `test:${randomUUID()}`, limit: 100, windowMs: 60_000 };
      const org = { key: `test:${randomUUID()}`, limit: 2, windowMs: 60_000 };
      assert.equal((await limiter.hit([principal, org])).allowed, true);
      const second = await limiter.hit([principal, org]);
      assert.equal(second.allowed, true);
      assert.equal(second.key, org.key, 'the tightest check decides the headers');
      const refused = await limiter.hit([principal, org]);
      assert.equal(refused.allowed, false);
      assert.equal(refused.key, org.key);
      // the refused request did not use up the principal's budget
      const alone = await limiter.hit([principal]);
      assert.equal(alone.remaining, 97);
    });

    test('peek tells whether a request would pass without charging it', async () => {
      const check = { key: `test:${randomUUID()}`, limit: 2, windowMs: 60_000 };
      for (let i = 0; i < 5; i++) assert.equal((await limiter.peek([check])).allowed, true);
      await limiter.hit([check]);
      assert.equal((await limiter.peek([check])).remaining, 0, 'one left before this one, none after');
      await limiter.hit([check]);
      const refused = await limiter.peek([check]);
      assert.equal(refused.allowed, false);
      assert.ok(refused.retryAfterMs > 0);
    });

    test('keys are independent', async () => {
      const a = { key: `test:${randomUUID()}`, limit: 1, windowMs: 60_000 };
      const b = { key: `test:${randomUUID()}`, limit: 1, windowMs: 60_000 };
      assert.equal((await limiter.hit([a])).allowed, true);
      assert.equal((await limiter.hit([a])).allowed, false);
      assert.equal((await limiter.hit([b])).allowed, true);
    });

    test('the budget comes back as the window passes', async () => {
      const check = { key: `test:${randomUUID()}`, limit: 2, windowMs: 400 };
      await limiter.hit([check]);
      await limiter.hit([check]);
      assert.equal((await limiter.hit([check])).allowed, false);
      await new Promise((resolve) => setTimeout(resolve, 450));
      assert.equal((await limiter.hit([check])).allowed, true);
    });
  });
}

test('two Redis limiters (two router processes) share one budget', async () => {
  const first = new RedisRateLimiter(redisUrl, logger);
  const second = new RedisRateLimiter(redisUrl, logger);
  try {
    const check = { key: `test:${randomUUID()}`, limit: 2, windowMs: 60_000 };
    assert.equal((await first.hit([check])).allowed, true);
    assert.equal((await second.hit([check])).allowed, true);
    assert.equal((await first.hit([check])).allowed, false);
    assert.equal((await second.hit([check])).allowed, false);
  } finally {
    await first.close();
    await second.close();
  }
});
