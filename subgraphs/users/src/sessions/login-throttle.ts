import { AitipError, type RateLimitCheck, type RateLimiter } from '@aitip/kit';

/** At most this many failed log-ins per account per window. */
const ACCOUNT_FAILURES = 5;
/** At most this many failed log-ins per client IP per window. */
const IP_FAILURES = 30;
const WINDOW_MS = 15 * 60 * 1000;
/** The peek's own cost is window / PEEK_LIMIT (under a millisecond), so peeking hardly fills the bucket. */
const PEEK_LIMIT = 1_000_000;

/**
 * Slows down password guessing per account and per client IP with the shared GCRA limiter, charging
 * failures only.
 *
 * The limiter only has `hit`, which charges when it allows. Each failure is charged to a bucket of
 * `limit` per `window` (interval `window / limit`); the next failure would be refused exactly when
 * the bucket's theoretical arrival time is more than `window - interval` ahead of now. Before
 * verifying a password we therefore "peek" at the same key with a check of window `window - interval`
 * and a huge limit: it is refused exactly when a failure would be (give or take its sub-millisecond
 * interval), its retry-after is the time until a failure can be charged again, and when it allows it
 * adds well under a millisecond. A correct password is never charged, so successful log-ins of other
 * accounts or from other addresses are unaffected.
 */
export class LoginThrottle {
  constructor(private readonly limiter: RateLimiter) {}

  /** Throws RATE_LIMITED when the account or the address has failed too often recently. */
  async check(email: string, clientIp: string | undefined): Promise<void> {
    const decision = await this.limiter.hit(this.checks(email, clientIp).map(peek));
    if (decision.allowed) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new AitipError(
      'RATE_LIMITED',
      `Too many failed sign-in attempts; try again in ${retryAfterSeconds} seconds.`,
      { retryAfterSeconds },
    );
  }

  /** Charges one failed log-in to the account and to the address. */
  async failed(email: string, clientIp: string | undefined): Promise<void> {
    await this.limiter.hit(this.checks(email, clientIp));
  }

  private checks(email: string, clientIp: string | undefined): RateLimitCheck[] {
    const checks: RateLimitCheck[] = [{ key: `login:account:${email}`, limit: ACCOUNT_FAILURES, windowMs: WINDOW_MS }];
    if (clientIp) checks.push({ key: `login:ip:${clientIp}`, limit: IP_FAILURES, windowMs: WINDOW_MS });
    return checks;
  }
}

/** The check that is refused exactly when one more failure charged to `check.key` would be. */
function peek(check: RateLimitCheck): RateLimitCheck {
  return { key: check.key, limit: PEEK_LIMIT, windowMs: check.windowMs - check.windowMs / check.limit };
}
