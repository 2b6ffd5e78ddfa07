import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Logger } from '@aitip/kit';
import { CloseCode } from './close-codes.js';
import type { ClientConnection, ConnectionRegistry } from './connections.js';
import { EventStream } from './event-stream.js';
import type { PlannedSubscription, SubscriptionPlanner } from './planner.js';
import { authorizationKeyOf, type UpstreamSubscriptions } from './upstream.js';

/**
 * Runs client subscriptions: joins (or opens) the upstream subscription of the owning subgraph,
 * completes each of its events through the federated plan with the client's identity, and hands
 * the results, in order, to a bounded per-client stream.
 */
export class SubscriptionService {
  /**
   * Completions of one upstream event, by subscription key and authorization context. An upstream
   * event is handed to every client sharing it; clients with the same operation, variables and
   * authorization get the same result, so it is completed once and not once per client.
   */
  private readonly completions = new WeakMap<ExecutionResult, Map<string, Promise<ExecutionResult>>>();

  constructor(
    readonly planner: SubscriptionPlanner,
    readonly upstreams: UpstreamSubscriptions,
    readonly registry: ConnectionRegistry,
    private readonly subgraphUrls: ReadonlyMap<string, string>,
    private readonly log: Logger,
  ) {}

  /** The client's stream of completed events; ends when the upstream ends or the client leaves. */
  subscribe(connection: ClientConnection, planned: PlannedSubscription, requestId: string): EventStream {
    const release = this.registry.startSubscription(connection);
    const limits = this.registry.limits;
    // set once the upstream is joined, below; the stream may end (client leaves) only after that
    const upstream: { leave?: () => void } = {};
    const stream = new EventStream(limits.maxBufferedEvents, () => {
      upstream.leave?.();
      release();
    });
    const url = this.subgraphUrls.get(planned.subgraph);
    if (!url) {
      stream.reserve();
      stream.push({ errors: [new GraphQLError(`No routing URL for subgraph "${planned.subgraph}".`)] });
      stream.end();
      return stream;
    }
    let chain: Promise<void> = Promise.resolve();
    let dropped = false;
    const completionKey = `${authorizationKeyOf(connection.identity)}\n${planned.key}`;
    const slow = () => {
      if (dropped) return;
      dropped = true;
      connection.close(
        CloseCode.SlowConsumer,
        `Too slow: more than ${limits.maxBufferedEvents} events or ${limits.maxBufferedBytes} bytes waiting.`,
      );
      stream.end();
    };
    upstream.leave = this.upstreams.join(
      {
        subgraph: planned.subgraph,
        url,
        query: planned.upstreamQuery,
        operationName: planned.upstreamOperationName,
        variables: planned.upstreamVariables,
        identity: connection.identity,
        resumable: planned.resumable,
      },
      {
        next: (event) => {
          if (dropped) return;
          if (connection.backlogBytes() > limits.maxBufferedBytes || !stream.reserve()) return slow();
          const completing = this.completion(event, completionKey, () =>
            this.planner.complete(planned, event, connection.identity, requestId).catch((err: unknown) => {
              this.log.error({ err, subgraph: planned.subgraph }, 'completing a subscription event failed');
              return { errors: [new GraphQLError('Completing this event failed; see the router log.')] };
            }),
          );
          chain = chain.then(async () => {
            const result = await completing;
            connection.batchWrites?.();
            stream.push(result);
          });
        },
        complete: (errors) => {
          chain = chain.then(() => {
            if (errors?.length && stream.reserve()) stream.push({ errors: errors.map(asGraphQLError) });
            stream.end();
          });
        },
      },
    );
    return stream;
  }

  /** The completion of an event for one key, started by the first client that needs it. */
  private completion(
    event: ExecutionResult,
    key: string,
    complete: () => Promise<ExecutionResult>,
  ): Promise<ExecutionResult> {
    let byKey = this.completions.get(event);
    if (!byKey) {
      byKey = new Map();
      this.completions.set(event, byKey);
    }
    let completing = byKey.get(key);
    if (!completing) {
      completing = complete();
      byKey.set(key, completing);
    }
    return completing;
  }
}

function asGraphQLError(error: { message: string; extensions?: Record<string, unknown> }): GraphQLError {
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { extensions: error.extensions });
}
