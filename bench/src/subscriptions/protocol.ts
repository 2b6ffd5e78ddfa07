/** The `ticks` subgraph's SDL: one subscription whose events carry their publish time. */
export const ticksSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])
  type Tick { seq: Int! publishedAt: Float! }
  type Query { tickRate: Float! }
  type Subscription { tick: Tick! }
`;

/** The subscription every client runs. */
export const tickSubscription = 'subscription Ticks { tick { seq publishedAt } }';

/** Messages from the ticks subgraph process. */
export type TicksMessage =
  | { type: 'ready'; url: string }
  | { type: 'rate-set'; perSecond: number }
  | { type: 'stats'; open: number; connections: number; published: number };

/** Commands to the client process. */
export type ClientCommand =
  | { type: 'subscribe'; url: string; subscribers: number; perConnection: number; timeoutMs: number }
  | { type: 'measure'; seconds: number; graceSeconds: number }
  | { type: 'unsubscribe' };

/** What one measurement window saw on the client side. */
export interface Measurement {
  delivered: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  /** Events skipped: gaps in a subscription's `seq` numbers. */
  lost: number;
  errors: number;
}

/** Messages from the client process. */
export type ClientMessage =
  | { type: 'ready' }
  | { type: 'subscribed'; live: number; errors: number; firstError?: string; elapsedMs: number }
  | { type: 'measured'; measurement: Measurement }
  | { type: 'unsubscribed' };

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export const epochMs = () => performance.timeOrigin + performance.now();
