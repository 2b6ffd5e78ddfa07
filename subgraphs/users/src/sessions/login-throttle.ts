import { AitipError, type RateLimitCheck, type RateLimiter } from '@aitip/kit';

/** At most this many failed log-ins per account per window. */
const ACCOUNT_FAILURES = 5;
/** At most this many failed log-ins per client IP per window. */
const IP_FAILURES = 30;
const WINDOW_MS = 15 * 60 * 1000;

/**
 * Slows down password guessing per account and per client IP with the shared GCRA limiter, charging
 * failures only: before verifying a password it peeks whether one more failure would still be
 * allowed, and refuses with the time to wait when not. A correct password is never charged, so
 * successful log-ins of other accounts or from other addresses are unaffected, and the budget comes
 * back as the window passes (nobody is locked out for good).
 */
export class LoginThrottle {
  constructor(private readonly limiter: RateLimiter) {}

  /** Throws RATE_LIMITED when the account or the address has failed too often recently. */
  async check(email: string, clientIp: string | undefined): Promise<void> {
    const decision = await this.limiter.peek(this.checks(email, clientIp));
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
