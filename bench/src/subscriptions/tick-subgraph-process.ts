import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { epochMs, ticksSdl, type TicksMessage } from './protocol.js';

interface Tick {
  seq: number;
  publishedAt: number;
}

/**
 * A bench-only subgraph: `Subscription.tick` over graphql-ws (and queries over HTTP POST). One
 * publisher emits a tick at a fixed rate, set over IPC, and every open subscription receives each
 * tick, stamped with its publish time so that clients measure publish-to-receive latency.
 */
async function main(): Promise<void> {
  const listeners = new Set<(tick: Tick) => void>();
  let seq = 0;
  let perSecond = 0;
  let timer: NodeJS.Timeout | undefined;
  const setRate = (rate: number) => {
    perSecond = rate;
    if (timer) clearInterval(timer);
    timer = undefined;
    if (rate <= 0) return;
    timer = setInterval(() => {
      const tick = { seq: ++seq, publishedAt: epochMs() };
      for (const listener of listeners) listener(tick);
    }, 1000 / rate);
  };

  /** One subscriber's events: a queue fed by the publisher, ended by `return` when the client leaves. */
  const subscribe = (): AsyncIterableIterator<{ tick: Tick }> => {
    const queue: Tick[] = [];
    let waiting: ((result: IteratorResult<{ tick: Tick }>) => void) | undefined;
    const listener = (tick: Tick) => {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: { tick }, done: false });
      } else queue.push(tick);
    };
    listeners.add(listener);
    const done = (): IteratorResult<{ tick: Tick }> => ({ value: undefined, done: true });
    return {
      next: () => {
        const queued = queue.shift();
        if (queued) return Promise.resolve({ value: { tick: queued }, done: false });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        listeners.delete(listener);
        waiting?.(done());
        waiting = undefined;
        return Promise.resolve(done());
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };

  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(ticksSdl),
      resolvers: {
        Query: { tickRate: () => perSecond },
        Subscription: { tick: { subscribe } },
      },
    },
  ]);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        let result: unknown;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            query: string;
            variables?: Record<string, unknown>;
            operationName?: string;
          };
          result = await graphql({
            schema,
            source: body.query,
            variableValues: body.variables,
            operationName: body.operationName,
          });
        } catch (err) {
          result = { errors: [{ message: (err as Error).message }] };
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      })();
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer({ schema }, wss);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  process.on('message', (message: { type?: string; perSecond?: number }) => {
    if (message.type === 'rate') {
      setRate(message.perSecond ?? 0);
      process.send?.({ type: 'rate-set', perSecond } satisfies TicksMessage);
    } else if (message.type === 'stats') {
      process.send?.({
        type: 'stats',
        open: listeners.size,
        connections: wss.clients.size,
        published: seq,
      } satisfies TicksMessage);
    }
  });
  const stop = () => {
    setRate(0);
    for (const client of wss.clients) client.terminate();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` } satisfies TicksMessage);
}

main().catch((err: unknown) => {
  process.stderr.write(`ticks subgraph failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
