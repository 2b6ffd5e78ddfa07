import type { RateLimitCheck, RateLimitDecision } from './index.js';

/**
 * One GCRA step shared by both limiters: given each check's stored arrival time, decides and returns
 * the new arrival times to store when allowed.
 */
export function decide(
  checks: RateLimitCheck[],
  stored: Array<number | undefined>,
  now: number,
): { decision: RateLimitDecision; next: number[] } {
  let tightest: RateLimitDecision | undefined;
  const next: number[] = [];
  for (const [i, check] of checks.entries()) {
    const interval = check.windowMs / check.limit;
    const tat = Math.max(stored[i] ?? now, now);
    const newTat = tat + interval;
    const allowAt = newTat - check.windowMs;
    if (allowAt > now) {
      return {
        decision: {
          allowed: false,
          limit: check.limit,
          remaining: 0,
          resetMs: Math.ceil(tat - now),
          retryAfterMs: Math.ceil(allowAt - now),
          key: check.key,
        },
        next: [],
      };
    }
    next.push(newTat);
    const remaining = Math.floor((check.windowMs - (newTat - now)) / interval);
    if (!tightest || remaining < tightest.remaining) {
      tightest = {
        allowed: true,
        limit: check.limit,
        remaining,
        resetMs: Math.ceil(newTat - now),
        retryAfterMs: 0,
        key: check.key,
      };
    }
  }
  return {
    decision: tightest ?? { allowed: true, limit: 0, remaining: 0, resetMs: 0, retryAfterMs: 0, key: '' },
    next,
  };
}
