import {
  GraphQLError,
  Kind,
  getNamedType,
  isObjectType,
  parse,
  validate,
  valueFromASTUntyped,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { Identity, Logger } from '@aitip/kit';
import type { RouterContext } from '../context.js';

/** The root field argument a subgraph subscription may declare to resume after an event (see docs/router.md). */
export const RESUME_ARGUMENT = 'after';
/** The field of a subscription's event type that carries the event's offset, passed back as `after`. */
export const CURSOR_FIELD = 'cursor';
/** The variable the router sends the resume offset in. */
export const RESUME_VARIABLE = '__aitip_after';
/** The pseudo-subgraph that answers the plan's first fetch with the event the owning subgraph sent. */
const EVENT_SOURCE = '__aitip_event__';

/** One client subscription planned: what to ask the owning subgraph, and how to complete each event. */
export interface PlannedSubscription {
  /** The subgraph owning the root field. */
  subgraph: string;
  /** The operation sent to that subgraph (the root field's part plus the @key fields the rest needs). */
  upstreamQuery: string;
  upstreamOperationName: string | undefined;
  /** Its variables: the client's it uses, plus the resume offset when the field supports it. */
  upstreamVariables: Record<string, unknown>;
  /** Whether the root field takes `after` and its events carry `cursor`, so a stream can resume. */
  resumable: boolean;
  /** The fetches that complete an event from other subgraphs; none when one subgraph owns everything. */
  rest: PlanNode | undefined;
  primary: FetchNode;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /** Operation name, query text and variables: subscriptions with equal keys complete an event alike. */
  key: string;
}

/**
 * Plans subscriptions with Apollo's query planner over the supergraph: the subscription's first
 * fetch goes to the subgraph that owns the root field, and every event it sends is completed by the
 * rest of the plan (entity fetches to the other subgraphs), executed by the gateway's executor.
 */
export class SubscriptionPlanner {
  private readonly supergraph: Supergraph;
  private readonly planner: QueryPlanner;
  private readonly apiSchema: Schema;
  readonly apiGraphQLSchema: GraphQLSchema;
  private readonly supergraphSchema: GraphQLSchema;
  /** Plans by operation name and query text: planning costs far more than an event. */
  private readonly cache = new LRUCache<string, CachedPlan>({ max: 1000 });

  constructor(
    supergraphSdl: string,
    private readonly services: ReadonlyMap<string, GraphQLDataSource<RouterContext>>,
    private readonly log: Logger,
  ) {
    this.supergraph = Supergraph.build(supergraphSdl);
    this.planner = new QueryPlanner(this.supergraph);
    this.apiSchema = this.supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = this.supergraph.schema.toGraphQLJSSchema();
  }

  /** Parses, validates and plans a subscription; returns GraphQL errors for the client instead when it cannot. */
  plan(
    query: string,
    operationName: string | undefined,
    variables: Record<string, unknown> = {},
  ): PlannedSubscription | readonly GraphQLError[] {
    const key = `${operationName ?? ''}\n${query}`;
    let cached = this.cache.get(key);
    if (!cached) {
      cached = this.build(query, operationName);
      this.cache.set(key, cached);
    }
    if (Array.isArray(cached)) return cached;
    const { primary, rest, document, operation, resumable, resumeArgument } = cached as PlanParts;
    const resumeFrom = resumeArgument ? valueFromASTUntyped(resumeArgument.value, variables) : undefined;
    const upstreamVariables: Record<string, unknown> = {};
    for (const name of primary.variableUsages ?? []) {
      if (name === RESUME_VARIABLE) upstreamVariables[name] = resumeFrom ?? null;
      else if (variables[name] !== undefined) upstreamVariables[name] = variables[name];
    }
    return {
      subgraph: primary.serviceName,
      upstreamQuery: primary.operation,
      upstreamOperationName: primary.operationName,
      upstreamVariables,
      resumable,
      rest,
      primary,
      document,
      operationName: operation.name?.value,
      variables,
      key: `${key}\n${JSON.stringify(variables)}`,
    };
  }

  private build(query: string, operationName: string | undefined): CachedPlan {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
    }
    const errors = validate(this.apiGraphQLSchema, document);
    if (errors.length > 0) return errors;
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation = operationName
      ? operations.find((o) => o.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
    if (!operation) {
      return [new GraphQLError('Name the operation to run (operationName); the document has several or none.')];
    }
    if (operation.operation !== 'subscription') {
      return [
        new GraphQLError(
          'Only subscriptions run over WebSocket and SSE; send queries and mutations with HTTP POST to /graphql.',
          { extensions: { code: 'OPERATION_NOT_SUPPORTED' } },
        ),
      ];
    }
    const { planned, resumable, resumeArgument } = this.withResumeOffset(document, operation);
    let plan: QueryPlan;
    try {
      plan = this.planner.buildQueryPlan(
        operationFromDocument(this.apiSchema, planned, { operationName: operation.name?.value }),
      );
    } catch (err) {
      return [new GraphQLError(`Cannot plan this subscription: ${(err as Error).message}`)];
    }
    if (plan.node?.kind !== 'Subscription') {
      return [new GraphQLError('Cannot plan this subscription: the planner did not produce a subscription plan.')];
    }
    return { primary: plan.node.primary, rest: plan.node.rest, document, operation, resumable, resumeArgument };
  }

  /**
   * Completes one event of the owning subgraph: runs the rest of the plan (entity fetches to the
   * other subgraphs, with the client's identity) and shapes the result as the client asked.
   */
  async complete(
    planned: PlannedSubscription,
    event: ExecutionResult,
    identity: Identity,
    requestId: string,
  ): Promise<ExecutionResult> {
    if (!event.data) return { errors: event.errors ?? [new GraphQLError('The subgraph sent an empty event.')] };
    const eventFetch: FetchNode = { ...planned.primary, serviceName: EVENT_SOURCE };
    const node: PlanNode = planned.rest ? { kind: 'Sequence', nodes: [eventFetch, planned.rest] } : eventFetch;
    const eventSource: GraphQLDataSource<RouterContext> = {
      process: async () => ({ data: event.data as Record<string, unknown>, errors: event.errors as never }),
    };
    const serviceMap = Object.fromEntries([...this.services, [EVENT_SOURCE, eventSource]]);
    const context: RouterContext = { identity, requestId, log: this.log };
    const requestContext = {
      request: { variables: planned.variables, operationName: planned.operationName },
      context,
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      metrics: {},
      cache: undefined,
    };
    const operationContext = buildOperationContext({
      schema: this.apiGraphQLSchema,
      operationDocument: planned.document,
      operationName: planned.operationName,
    });
    const result = await executeQueryPlan(
      { kind: 'QueryPlan', node },
      serviceMap,
      requestContext as never,
      operationContext,
      this.supergraphSchema,
      this.apiSchema,
      {},
    );
    return {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors ? { errors: result.errors } : {}),
    } as ExecutionResult;
  }

  /**
   * When the root field takes `after` and its type has `cursor`, plans the document with `cursor`
   * selected and `after` bound to RESUME_VARIABLE, so the router can re-subscribe after the last
   * event it delivered. The client's own `after` (literal or variable) is the starting offset.
   */
  private withResumeOffset(
    document: DocumentNode,
    operation: OperationDefinitionNode,
  ): { planned: DocumentNode; resumable: boolean; resumeArgument?: ArgumentNode } {
    const rootType = this.apiGraphQLSchema.getSubscriptionType();
    const rootSelection = operation.selectionSet.selections[0];
    if (!rootType || rootSelection?.kind !== Kind.FIELD) return { planned: document, resumable: false };
    const field = rootType.getFields()[rootSelection.name.value];
    const eventType = field ? getNamedType(field.type) : undefined;
    const resumable =
      field !== undefined &&
      field.args.some((a) => a.name === RESUME_ARGUMENT) &&
      isObjectType(eventType) &&
      eventType.getFields()[CURSOR_FIELD] !== undefined;
    if (!resumable) return { planned: document, resumable: false };
    const given = rootSelection.arguments?.find((a) => a.name.value === RESUME_ARGUMENT);
    const argType = field.args
      .find((a) => a.name === RESUME_ARGUMENT)!
      .type.toString()
      .replace(/!$/, '');
    const argument: ArgumentNode = {
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: RESUME_ARGUMENT },
      value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: RESUME_VARIABLE } },
    };
    const planned = visit(document, {
      OperationDefinition(node) {
        if (node !== operation) return undefined;
        return {
          ...node,
          variableDefinitions: [
            ...(node.variableDefinitions ?? []),
            {
              kind: Kind.VARIABLE_DEFINITION,
              variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: RESUME_VARIABLE } },
              type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: argType } },
            },
          ],
          selectionSet: {
            ...node.selectionSet,
            selections: [
              {
                ...rootSelection,
                arguments: [...(rootSelection.arguments ?? []).filter((a) => a !== given), argument],
                selectionSet: {
                  kind: Kind.SELECTION_SET,
                  selections: [
                    ...(rootSelection.selectionSet?.selections ?? []),
                    { kind: Kind.FIELD, name: { kind: Kind.NAME, value: CURSOR_FIELD } } satisfies FieldNode,
                  ],
                },
              } satisfies FieldNode,
              ...node.selectionSet.selections.slice(1),
            ],
          },
        };
      },
    });
    return { planned, resumable, ...(given ? { resumeArgument: given } : {}) };
  }
}

/** What planning a query text produced, reused for every subscription with that text. */
interface PlanParts {
  primary: FetchNode;
  rest: PlanNode | undefined;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  resumable: boolean;
  /** The client's own `after` argument (literal or variable), the stream's starting point. */
  resumeArgument?: ArgumentNode;
}

type CachedPlan = PlanParts | readonly GraphQLError[];
