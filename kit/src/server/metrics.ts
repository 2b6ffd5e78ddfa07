import { Histogram, Registry } from 'prom-client';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** Prometheus histogram of GraphQL operations by name, type and outcome, as an Apollo plugin. */
export function operationMetricsPlugin<TContext extends BaseContext>(
  registry: Registry,
  service: string,
): ApolloServerPlugin<TContext> {
  const histogram = new Histogram({
    name: 'aitip_graphql_operation_duration_seconds',
    help: 'GraphQL operations served, by operation name, type and outcome',
    labelNames: ['service', 'operation', 'type', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    async requestDidStart() {
      const end = histogram.startTimer({ service });
      return {
        async willSendResponse(ctx) {
          const body = ctx.response.body;
          const failed = body.kind === 'single' && (body.singleResult.errors?.length ?? 0) > 0;
          end({
            operation: ctx.operationName ?? ctx.request.operationName ?? 'anonymous',
            type: ctx.operation?.operation ?? 'unknown',
            outcome: failed || ctx.errors?.length ? 'error' : 'ok',
          });
        },
      };
    },
  };
}
