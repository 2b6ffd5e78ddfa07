import type { RateLimitSpec } from './limits/rate-limit-spec.js';
import { defaultSubscriptionLimits, type SubscriptionLimitSettings } from './subscriptions/connections.js';

/** Per-principal and per-organization rate limits by operation class; `null` turns one off. */
export interface RateLimitSettings {
  /** Queries per signed-in principal (user or API key). */
  query: RateLimitSpec | null;
  /** Mutations per signed-in principal. */
  mutation: RateLimitSpec | null;
  /** Subscription starts per signed-in principal. */
  subscription: RateLimitSpec | null;
  /** Queries per organization, all its members and keys together. */
  orgQuery: RateLimitSpec | null;
  /** Mutations (and subscription starts) per organization. */
  orgMutation: RateLimitSpec | null;
  /**
   * Experiment-tracking calls (the MLflow REST API) per signed-in principal: training code logs
   * metrics many times a second, far more often than people query.
   */
  tracking: RateLimitSpec | null;
  /** Experiment-tracking calls per organization. */
  orgTracking: RateLimitSpec | null;
  /** Any operation per client IP without credentials (and per IP for failed authentications). */
  anonymous: RateLimitSpec | null;
  /** The public auth mutations (logIn, signUp, refreshSession) per client IP. */
  auth: RateLimitSpec | null;
}

/** Limits on one operation, checked on its parsed document before execution. */
export interface QueryLimitSettings {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxCost: number;
  /** Characters of the query text. */
  maxQueryLength: number;
}

/** Who may introspect the schema: signed-in callers (default), anyone, or no one. */
export type IntrospectionPolicy = 'authenticated' | 'always' | 'never';

/** The router's request guards: rate limits, query limits, body size, introspection, CORS, proxies. */
export interface SecuritySettings {
  rateLimits: RateLimitSettings;
  queryLimits: QueryLimitSettings;
  maxBodyBytes: number;
  introspection: IntrospectionPolicy;
  /** Origins allowed to call /graphql from a browser on another origin; `*` allows any. */
  corsOrigins: string[];
  /** Proxies in front of the router whose `x-forwarded-for` entries are trusted (0: none). */
  trustProxyHops: number;
  /** Connection, subscription and buffer limits of subscriptions (WebSocket and SSE). */
  subscriptions: SubscriptionLimitSettings;
}

const perMinute = (limit: number): RateLimitSpec => ({ limit, windowMs: 60_000 });

export const defaultSecuritySettings: SecuritySettings = {
  rateLimits: {
    query: perMinute(600),
    mutation: perMinute(120),
    subscription: perMinute(60),
    orgQuery: perMinute(6000),
    orgMutation: perMinute(1200),
    tracking: perMinute(12_000),
    orgTracking: perMinute(60_000),
    anonymous: perMinute(300),
    auth: perMinute(20),
  },
  queryLimits: { maxDepth: 15, maxAliases: 30, maxRootFields: 20, maxCost: 5000, maxQueryLength: 100_000 },
  maxBodyBytes: 1024 * 1024,
  introspection: 'authenticated',
  corsOrigins: [],
  trustProxyHops: 0,
  subscriptions: defaultSubscriptionLimits,
};

/** Parts of SecuritySettings to change; the rest keeps its default. */
export interface SecurityOverrides extends Partial<
  Omit<SecuritySettings, 'rateLimits' | 'queryLimits' | 'subscriptions'>
> {
  rateLimits?: Partial<RateLimitSettings>;
  subscriptions?: Partial<SubscriptionLimitSettings>;
  queryLimits?: Partial<QueryLimitSettings>;
}

/** The default settings with `overrides` applied. */
export function securitySettings(overrides: SecurityOverrides = {}): SecuritySettings {
  return {
    ...defaultSecuritySettings,
    ...overrides,
    rateLimits: { ...defaultSecuritySettings.rateLimits, ...overrides.rateLimits },
    queryLimits: { ...defaultSecuritySettings.queryLimits, ...overrides.queryLimits },
    subscriptions: { ...defaultSecuritySettings.subscriptions, ...overrides.subscriptions },
  };
}
