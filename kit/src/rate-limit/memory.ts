import { decide } from './gcra.js';
import type { RateLimitCheck, RateLimitDecision, RateLimiter } from './index.js';

/** The in-process limiter of the embedded mode; one process, so no coordination is needed. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly arrivals = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    // forget keys whose bucket is full again, so the map stays as small as the set of active callers
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, tat] of this.arrivals) if (tat <= now) this.arrivals.delete(key);
    }, 10_000);
    this.sweeper.unref();
  }

  async hit(checks: RateLimitCheck[], now = Date.now()): Promise<RateLimitDecision> {
    const { decision, next } = this.decide(checks, now);
    if (decision.allowed) for (const [i, check] of checks.entries()) this.arrivals.set(check.key, next[i]!);
    return decision;
  }

  async peek(checks: RateLimitCheck[], now = Date.now()): Promise<RateLimitDecision> {
    return this.decide(checks, now).decision;
  }

  private decide(checks: RateLimitCheck[], now: number) {
    return decide(
      checks,
      checks.map((check) => this.arrivals.get(check.key)),
      now,
    );
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
