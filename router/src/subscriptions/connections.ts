import type { AuthRevocation, Identity } from '@aitip/kit';
import { CloseCode } from './close-codes.js';

/** Limits on live connections and subscriptions (per router process). */
export interface SubscriptionLimitSettings {
  /** Subscriptions open at once on one connection. */
  maxPerConnection: number;
  /** Subscriptions open at once for one principal (user, API key, or client IP when anonymous), all connections. */
  maxPerPrincipal: number;
  /** Connections (WebSocket, or SSE streams) open at once for one principal. */
  maxConnectionsPerPrincipal: number;
  /** Events waiting for one client subscription before that client counts as too slow and is closed. */
  maxBufferedEvents: number;
  /** Bytes written to one client but not yet sent before it counts as too slow. */
  maxBufferedBytes: number;
  /** Interval of heartbeats to clients (WebSocket pings, SSE comments) and to subgraphs (graphql-ws pings). */
  heartbeatMs: number;
}

export const defaultSubscriptionLimits: SubscriptionLimitSettings = {
  maxPerConnection: 100,
  maxPerPrincipal: 500,
  maxConnectionsPerPrincipal: 50,
  maxBufferedEvents: 1000,
  maxBufferedBytes: 8 * 1024 * 1024,
  heartbeatMs: 15_000,
};

/** One client connection carrying subscriptions: a WebSocket, or one SSE stream. */
export interface ClientConnection {
  identity: Identity;
  /** `user:<id>`, `key:<id>` or `anon:<ip>`: whom the per-principal limits count. */
  principal: string;
  /** When its credential stops being valid (ms since the epoch), if it does. */
  expiresAt?: number;
  /** Subscriptions open on it. */
  subscriptions: number;
  /** Bytes written to it that the client has not received yet. */
  backlogBytes(): number;
  /** Ends the connection and all its subscriptions, telling the client why. */
  close(code: CloseCode, reason: string): void;
  /**
   * Called before an event is handed to the client: holds this connection's writes until the
   * current burst of events is handed out, so they leave in one system call instead of one each.
   */
  batchWrites?(): void;
}

/** A refusal of a new connection or subscription, with the close code (or GraphQL error code) to use. */
export class SubscriptionLimitError extends Error {
  constructor(
    readonly closeCode: CloseCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Whom the limits count for an identity. */
export function principalOf(identity: Identity): string {
  if (identity.kind === 'service') return `key:${identity.apiKeyId}`;
  if (identity.kind === 'user') return `user:${identity.userId}`;
  return `anon:${identity.clientIp ?? 'unknown'}`;
}

/**
 * The open subscription connections of this router, by principal: enforces the connection and
 * subscription limits, closes connections whose credential expires, and closes the connections a
 * revocation (API key, session, membership) concerns as soon as it arrives.
 */
export class ConnectionRegistry {
  private readonly byPrincipal = new Map<string, Set<ClientConnection>>();
  private readonly subscriptionsByPrincipal = new Map<string, number>();
  private readonly expiryTimers = new Map<ClientConnection, NodeJS.Timeout>();
  private readonly closeCounts = new Map<number, number>();

  constructor(readonly limits: SubscriptionLimitSettings) {}

  /** Registers a new connection; throws SubscriptionLimitError when its principal has too many. */
  open(connection: ClientConnection): void {
    let set = this.byPrincipal.get(connection.principal);
    if (set && set.size >= this.limits.maxConnectionsPerPrincipal) {
      throw new SubscriptionLimitError(
        CloseCode.TooManyConnections,
        'TOO_MANY_CONNECTIONS',
        `At most ${this.limits.maxConnectionsPerPrincipal} subscription connections per principal; close one first.`,
      );
    }
    if (!set) this.byPrincipal.set(connection.principal, (set = new Set()));
    set.add(connection);
    const close = connection.close.bind(connection);
    connection.close = (code, reason) => {
      this.closeCounts.set(code, (this.closeCounts.get(code) ?? 0) + 1);
      close(code, reason);
    };
    if (connection.expiresAt !== undefined) {
      // setTimeout takes at most ~24.8 days; a longer-lived credential is checked again then
      const delay = Math.min(Math.max(0, connection.expiresAt - Date.now()), 2 ** 31 - 1);
      const timer = setTimeout(
        () => connection.close(CloseCode.Unauthenticated, 'Credential expired; reconnect with a fresh token.'),
        delay,
      );
      timer.unref();
      this.expiryTimers.set(connection, timer);
    }
  }

  /** How many connections the router closed with `code` (for metrics and tests). */
  closedWith(code: CloseCode): number {
    return this.closeCounts.get(code) ?? 0;
  }

  /** Connections open now. */
  get size(): number {
    let count = 0;
    for (const set of this.byPrincipal.values()) count += set.size;
    return count;
  }

  /** Forgets a closed connection. */
  closed(connection: ClientConnection): void {
    const set = this.byPrincipal.get(connection.principal);
    set?.delete(connection);
    if (set?.size === 0) this.byPrincipal.delete(connection.principal);
    clearTimeout(this.expiryTimers.get(connection));
    this.expiryTimers.delete(connection);
  }

  /** Counts a new subscription; throws SubscriptionLimitError over a limit. Returns how to release it. */
  startSubscription(connection: ClientConnection): () => void {
    if (connection.subscriptions >= this.limits.maxPerConnection) {
      throw new SubscriptionLimitError(
        CloseCode.TooManyConnections,
        'TOO_MANY_SUBSCRIPTIONS',
        `At most ${this.limits.maxPerConnection} subscriptions per connection; complete one first.`,
      );
    }
    const count = this.subscriptionsByPrincipal.get(connection.principal) ?? 0;
    if (count >= this.limits.maxPerPrincipal) {
      throw new SubscriptionLimitError(
        CloseCode.TooManyConnections,
        'TOO_MANY_SUBSCRIPTIONS',
        `At most ${this.limits.maxPerPrincipal} subscriptions per principal across connections; complete one first.`,
      );
    }
    connection.subscriptions++;
    this.subscriptionsByPrincipal.set(connection.principal, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      connection.subscriptions--;
      const left = (this.subscriptionsByPrincipal.get(connection.principal) ?? 1) - 1;
      if (left <= 0) this.subscriptionsByPrincipal.delete(connection.principal);
      else this.subscriptionsByPrincipal.set(connection.principal, left);
    };
  }

  /** Closes the connections a revocation concerns. */
  revoke(revocation: AuthRevocation): void {
    for (const set of this.byPrincipal.values()) {
      for (const connection of [...set]) {
        const identity = connection.identity;
        if (revocation.type === 'apiKey' && identity.apiKeyId === revocation.apiKeyId) {
          connection.close(CloseCode.Unauthenticated, 'API key revoked; use another key.');
        } else if (revocation.type === 'session' && identity.sessionId === revocation.sessionId) {
          connection.close(CloseCode.Unauthenticated, 'Session signed out; sign in again.');
        } else if (
          revocation.type === 'membership' &&
          identity.kind === 'user' &&
          identity.userId === revocation.userId &&
          (!revocation.orgId || identity.orgId === revocation.orgId)
        ) {
          connection.close(CloseCode.Forbidden, 'Membership changed; reconnect to act with your current role.');
        }
      }
    }
  }

  /** Closes every connection (router shutdown). */
  closeAll(): void {
    for (const set of [...this.byPrincipal.values()]) {
      for (const connection of [...set]) connection.close(CloseCode.GoingAway, 'Router shutting down.');
    }
  }
}
