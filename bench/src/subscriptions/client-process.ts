import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { quantileOfSorted } from '../harness/statistics.js';
import { epochMs, tickSubscription, type ClientCommand, type ClientMessage, type Measurement } from './protocol.js';

interface Subscriber {
  lastSeq: number;
  live: boolean;
  stop: () => void;
}

/**
 * The load generator, in its own process so that it does not share the gateway's event loop:
 * many graphql-ws subscriptions multiplexed over a few connections, each recording the latency
 * from the event's publish time to its arrival here.
 */
function main(): void {
  let clients: Client[] = [];
  let subscribers: Subscriber[] = [];
  let errors = 0;
  let firstError: string | undefined;
  // latencies of events published in the current measurement window; undefined while not measuring
  let latencies: number[] | undefined;
  let window = { start: Infinity, end: Infinity };
  let lost = 0;
  let liveCount = 0;

  const send = (message: ClientMessage) => process.send?.(message);
  const fail = (err: unknown) => {
    errors++;
    firstError ??= describe(err);
  };

  const subscribe = async (command: Extract<ClientCommand, { type: 'subscribe' }>) => {
    const started = performance.now();
    errors = 0;
    firstError = undefined;
    liveCount = 0;
    const url = command.url.replace(/^http/, 'ws');
    const connections = Math.ceil(command.subscribers / command.perConnection);
    for (let c = 0; c < connections; c++) {
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        on: { error: fail },
      });
      clients.push(client);
      const count = Math.min(command.perConnection, command.subscribers - c * command.perConnection);
      for (let i = 0; i < count; i++) {
        const subscriber: Subscriber = { lastSeq: 0, live: false, stop: () => undefined };
        subscriber.stop = client.subscribe<{ tick: { seq: number; publishedAt: number } }>(
          { query: tickSubscription },
          {
            next: (result) => {
              const received = epochMs();
              const tick = result.data?.tick;
              if (!tick) return fail(new Error(JSON.stringify(result.errors ?? result)));
              if (!subscriber.live) {
                subscriber.live = true;
                liveCount++;
              } else if (latencies && tick.seq > subscriber.lastSeq + 1) lost += tick.seq - subscriber.lastSeq - 1;
              subscriber.lastSeq = tick.seq;
              if (tick.publishedAt >= window.start && tick.publishedAt < window.end)
                latencies?.push(received - tick.publishedAt);
            },
            error: fail,
            complete: () => undefined,
          },
        );
        subscribers.push(subscriber);
      }
    }
    // a subscription is live once its first event has arrived: only then is it open end to end
    const deadline = started + command.timeoutMs;
    while (liveCount < subscribers.length && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    send({ type: 'subscribed', live: liveCount, errors, firstError, elapsedMs: performance.now() - started });
  };

  const measure = async (seconds: number, graceSeconds: number) => {
    errors = 0;
    lost = 0;
    latencies = [];
    // events count by their publish time, so late deliveries of one window never inflate the next
    window = { start: epochMs(), end: epochMs() + seconds * 1000 };
    await new Promise((resolve) => setTimeout(resolve, (seconds + graceSeconds) * 1000));
    const elapsed = seconds;
    window = { start: Infinity, end: Infinity };
    const sorted = Float64Array.from(latencies).sort();
    latencies = undefined;
    const measurement: Measurement = {
      delivered: sorted.length,
      seconds: elapsed,
      p50: quantileOfSorted(sorted, 0.5),
      p99: quantileOfSorted(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
      lost,
      errors,
    };
    send({ type: 'measured', measurement });
  };

  const unsubscribe = async () => {
    for (const subscriber of subscribers) subscriber.stop();
    await Promise.all(clients.map((client) => client.dispose()));
    clients = [];
    subscribers = [];
    send({ type: 'unsubscribed' });
  };

  process.on('message', (command: ClientCommand) => {
    const run =
      command.type === 'subscribe'
        ? subscribe(command)
        : command.type === 'measure'
          ? measure(command.seconds, command.graceSeconds)
          : unsubscribe();
    run.catch((err: unknown) => {
      process.stderr.write(`subscription client failed: ${describe(err)}\n`);
      process.exit(1);
    });
  });
  process.once('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

/** An error, a close event or a GraphQL error list as one line. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return err.map((e: { message?: string }) => e.message ?? JSON.stringify(e)).join('; ');
  const close = err as { code?: number; reason?: string };
  if (close && typeof close.code === 'number') return `closed ${close.code} ${close.reason ?? ''}`.trim();
  return JSON.stringify(err);
}

main();
