import type { ServerResponse } from 'node:http';
import type { Identity, Logger, RateLimitCheck, RateLimiter } from '@aitip/kit';
import { RouterRequestError } from '../http/request-errors.js';
import type { RateLimitSettings } from '../security.js';
import { policyOf, type RateLimitSpec } from './rate-limit-spec.js';

/** What the rate limits need to know about an operation. */
export interface RateLimitedOperation {
  /** `tracking`: a call of the experiment-tracking REST API (MLflow's), with limits of its own. */
  type: 'query' | 'mutation' | 'subscription' | 'tracking';
  authMutation: boolean;
}

interface DescribedCheck extends RateLimitCheck {
  /** "queries per minute for this user", for the 429 message. */
  what: string;
}

/**
 * Charges each GraphQL request against the limits of its principal (user, API key, or client IP
 * when anonymous), its organization and, for logIn/signUp/refreshSession, its client IP; writes the
 * RateLimit-* headers of the tightest limit and refuses with 429 once one is used up. All checks
 * of a request are one call to the limiter (one Redis round trip in distributed mode).
 */
export class RequestRateLimits {
  private lastFailureLog = 0;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly settings: RateLimitSettings,
    private readonly log: Logger,
  ) {}

  /**
   * Charges a request; throws RouterRequestError(429) when a limit is used up. Without `res` (a
   * subscription started on a WebSocket) no RateLimit-* headers are written.
   */
  async charge(
    res: ServerResponse | undefined,
    identity: Identity,
    clientIp: string,
    operation: RateLimitedOperation | undefined,
  ): Promise<void> {
    await this.apply(res, this.checksFor(identity, clientIp, operation ?? { type: 'query', authMutation: false }));
  }

  /** Charges a failed authentication to the client IP's anonymous limit, so guessing credentials is slow. */
  async chargeFailedAuthentication(res: ServerResponse, clientIp: string): Promise<void> {
    const checks: DescribedCheck[] = [];
    this.add(checks, this.settings.anonymous, `anon:${clientIp}`, 'requests', `client IP ${clientIp}`);
    await this.apply(res, checks);
  }

  private checksFor(identity: Identity, clientIp: string, operation: RateLimitedOperation): DescribedCheck[] {
    const checks: DescribedCheck[] = [];
    const kind = operation.type;
    const plural = kind === 'query' ? 'queries' : kind === 'tracking' ? 'tracking calls' : `${kind}s`;
    if (identity.kind === 'user' || identity.kind === 'service') {
      const principal = identity.kind === 'user' ? `user:${identity.userId}` : `key:${identity.apiKeyId}`;
      const whom = identity.kind === 'user' ? 'this user' : 'this API key';
      this.add(checks, this.settings[kind], `${kind}:${principal}`, plural, whom);
      if (identity.orgId) {
        const orgKind = kind === 'query' || kind === 'tracking' ? kind : 'mutation';
        const spec =
          orgKind === 'query'
            ? this.settings.orgQuery
            : orgKind === 'tracking'
              ? this.settings.orgTracking
              : this.settings.orgMutation;
        this.add(checks, spec, `org-${orgKind}:${identity.orgId}`, plural, 'this organization');
      }
    } else {
      this.add(
        checks,
        this.settings.anonymous,
        `anon:${clientIp}`,
        'requests',
        `client IP ${clientIp} without credentials`,
      );
    }
    if (operation.authMutation) {
      this.add(checks, this.settings.auth, `auth:${clientIp}`, 'sign-in attempts', `client IP ${clientIp}`);
    }
    return checks;
  }

  private add(checks: DescribedCheck[], spec: RateLimitSpec | null, key: string, plural: string, whom: string): void {
    if (!spec) return;
    checks.push({ key, limit: spec.limit, windowMs: spec.windowMs, what: `${plural} per ${window(spec)} for ${whom}` });
  }

  private async apply(res: ServerResponse | undefined, checks: DescribedCheck[]): Promise<void> {
    if (checks.length === 0) return;
    let decision;
    try {
      decision = await this.limiter.hit(checks);
    } catch (err) {
      // an unreachable Redis must not take the API down with it: serve unlimited and say so
      if (Date.now() - this.lastFailureLog > 10_000) {
        this.lastFailureLog = Date.now();
        this.log.warn({ err }, 'rate limiter unavailable; requests are not rate limited until it answers');
      }
      return;
    }
    const check = checks.find((c) => c.key === decision.key) ?? checks[0]!;
    if (res && !res.headersSent) {
      res.setHeader('RateLimit-Limit', String(decision.limit));
      res.setHeader('RateLimit-Remaining', String(Math.max(0, decision.remaining)));
      res.setHeader('RateLimit-Reset', String(Math.ceil(decision.resetMs / 1000)));
      res.setHeader('RateLimit-Policy', policyOf(check));
    }
    if (decision.allowed) return;
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new RouterRequestError(
      429,
      'RATE_LIMITED',
      `Rate limit exceeded: at most ${check.limit} ${check.what}; try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      { retryAfterSeconds: seconds },
      { 'retry-after': String(seconds) },
    );
  }
}

function window(spec: RateLimitSpec): string {
  const seconds = spec.windowMs / 1000;
  if (seconds === 60) return 'minute';
  if (seconds === 3600) return 'hour';
  if (seconds === 1) return 'second';
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}
