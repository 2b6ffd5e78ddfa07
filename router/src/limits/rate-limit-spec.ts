/** One configured rate limit: `limit` requests per `windowMs`, replenished evenly. */
export interface RateLimitSpec {
  limit: number;
  windowMs: number;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** What a rate limit setting must look like, for configuration errors. */
export const RATE_LIMIT_FORMAT = 'a rate limit like 600/60s (requests per window; units s, m or h, e.g. 10/1m) or off';

/**
 * Parses `N/<n>s|m|h` (`600/60s`, `10/m`) or `off`; returns `null` for off and `undefined` when the
 * text is not a rate limit.
 */
export function parseRateLimit(text: string): RateLimitSpec | null | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'off') return null;
  const match = /^(\d+)\s*\/\s*(\d*)\s*([smh])$/.exec(value);
  if (!match) return undefined;
  const limit = Number(match[1]);
  const count = match[2] ? Number(match[2]) : 1;
  if (!Number.isSafeInteger(limit) || limit < 1 || count < 1) return undefined;
  return { limit, windowMs: count * UNIT_MS[match[3] as keyof typeof UNIT_MS] };
}

/** `600;w=60`, the RateLimit-Policy header value of a limit. */
export function policyOf(spec: RateLimitSpec): string {
  return `${spec.limit};w=${Math.round(spec.windowMs / 1000)}`;
}
