import type { Logger } from '../log.js';
import { MemoryRateLimiter } from './memory.js';
import { RedisRateLimiter } from './redis.js';

export { MemoryRateLimiter } from './memory.js';
export { RedisRateLimiter } from './redis.js';
export { decide } from './gcra.js';

/** One limit to charge a request against: at most `limit` requests per `windowMs` for `key`. */
export interface RateLimitCheck {
  key: string;
  limit: number;
  windowMs: number;
}

/** The outcome for the tightest of the checks. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The limit of the tightest check. */
  limit: number;
  /** Requests left in that check's window after this one. */
  remaining: number;
  /** Milliseconds until that check's window is fully replenished. */
  resetMs: number;
  /** Milliseconds until a refused request may be retried (0 when allowed). */
  retryAfterMs: number;
  /** The key of the check that decided (the one that refused, or the tightest). */
  key: string;
}

/**
 * Generic cell rate limiting (a token bucket expressed as a theoretical arrival time): a burst of up to
 * `limit` requests, replenished evenly over `windowMs`. A request is charged against every check
 * at once and only when all of them allow it.
 */
export interface RateLimiter {
  /** Charges one request against every check, when all of them allow it. */
  hit(checks: RateLimitCheck[], now?: number): Promise<RateLimitDecision>;
  /** Whether a request would be allowed now, without charging it (e.g. to refuse before costly work). */
  peek(checks: RateLimitCheck[], now?: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** The Redis limiter when a URL is configured (shared by every router instance), otherwise an in-process one. */
export function createRateLimiter(options: { redisUrl?: string; logger: Logger }): RateLimiter {
  return options.redisUrl ? new RedisRateLimiter(options.redisUrl, options.logger) : new MemoryRateLimiter();
}
