import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { RateLimitCheck, RateLimitDecision, RateLimiter } from './index.js';

/**
 * The GCRA step of `decide` in Lua, so that reading and charging every key is one atomic round trip.
 * Time comes from the Redis server, so router instances with skewed clocks agree.
 * KEYS: the checks' keys; ARGV: limit and window (ms) per key, then 1 to charge or 0 to only look.
 * Returns {allowed, index of the deciding check, remaining, resetMs, retryAfterMs}.
 */
const script = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local charge = ARGV[2 * n + 1] == '1'
local newTats = {}
local best, bestRemaining, bestReset = 1, -1, 0
for i = 1, n do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local interval = window / limit
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local newTat = tat + interval
  local allowAt = newTat - window
  if allowAt > now then
    return {0, i, 0, math.ceil(tat - now), math.ceil(allowAt - now)}
  end
  newTats[i] = newTat
  local remaining = math.floor((window - (newTat - now)) / interval)
  if bestRemaining < 0 or remaining < bestRemaining then
    best, bestRemaining, bestReset = i, remaining, math.ceil(newTat - now)
  end
end
if charge then
  for i = 1, n do
    redis.call('SET', KEYS[i], tostring(newTats[i]), 'PX', math.ceil(newTats[i] - now) + 1)
  end
end
return {1, best, bestRemaining, bestReset, 0}
`;

/** The limiter shared by every router instance through Redis. */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;

  constructor(url: string, log: Logger) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableAutoPipelining: true, lazyConnect: false });
    this.redis.on('error', (err) => log.warn({ err }, 'rate limiter: Redis connection problem'));
    this.redis.defineCommand('aitipRateLimit', { lua: script });
  }

  hit(checks: RateLimitCheck[]): Promise<RateLimitDecision> {
    return this.run(checks, true);
  }

  peek(checks: RateLimitCheck[]): Promise<RateLimitDecision> {
    return this.run(checks, false);
  }

  private async run(checks: RateLimitCheck[], charge: boolean): Promise<RateLimitDecision> {
    const args: Array<string | number> = [];
    for (const check of checks) args.push(check.limit, check.windowMs);
    args.push(charge ? 1 : 0);
    const keys = checks.map((check) => `aitip:ratelimit:${check.key}`);
    const command = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<number[]>>)[
      'aitipRateLimit'
    ]!;
    const [allowed, index, remaining, resetMs, retryAfterMs] = await command.call(
      this.redis,
      keys.length,
      ...keys,
      ...args,
    );
    const check = checks[(index ?? 1) - 1]!;
    return {
      allowed: allowed === 1,
      limit: check.limit,
      remaining: remaining ?? 0,
      resetMs: resetMs ?? 0,
      retryAfterMs: retryAfterMs ?? 0,
      key: check.key,
    };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
