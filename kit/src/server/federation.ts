import 'reflect-metadata';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema, createResolversMap, type BuildSchemaOptions, type NonEmptyArray } from 'type-graphql';
import DataLoader from 'dataloader';
import { assertEveryRootFieldGuarded, enforceSubscriptionAccess } from '../auth/access.js';
import { scopeAllows } from '../auth/scopes.js';
import type { ServiceContext } from './service-context.js';

/** The federation directives a subgraph may use. */
const federationLink =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", ' +
  'import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@interfaceObject", "@override"])';

/** Resolves a `{ __typename, id }` reference to the owned entity (or null when it does not exist). */
export type ReferenceResolver<TContext> = (reference: Record<string, unknown>, context: TContext) => unknown;

export interface FederatedSchemaOptions<TContext> {
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: Function[];
  /** `__resolveReference` per entity type name. */
  referenceResolvers?: Record<string, ReferenceResolver<TContext>>;
  /** Resolver instances with their dependencies; omit when the schema is only printed. */
  resolverInstances?: object[];
  buildOptions?: Partial<BuildSchemaOptions>;
}

/** type-graphql's container: hands out the resolver instances built with their dependencies. */
function resolverContainer(instances: object[] | undefined): BuildSchemaOptions['container'] {
  return {
    get(someClass: new (...args: never[]) => object) {
      const instance = instances?.find((candidate) => candidate instanceof someClass);
      if (!instance) {
        throw new Error(
          instances
            ? `No resolver instance of ${someClass.name} was given to buildFederatedSchema.`
            : 'This schema was built for printing only; it cannot execute operations.',
        );
      }
      return instance;
    },
  };
}

/**
 * Builds a Federation 2 subgraph schema from type-graphql resolvers: the type-graphql schema is
 * printed with its directives, prefixed with the federation @link, and handed with its
 * resolvers map (plus the reference resolvers) to @apollo/subgraph.
 */
export async function buildFederatedSchema<TContext>(
  options: FederatedSchemaOptions<TContext>,
): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    validate: false,
    skipCheck: true,
    container: resolverContainer(options.resolverInstances),
    ...options.buildOptions,
  });
  assertEveryRootFieldGuarded(schema);
  enforceSubscriptionAccess(schema);
  const typeDefs = parse(`${federationLink}\n\n${printSchemaWithDirectives(schema)}`);
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, resolveReference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] ?? {}), __resolveReference: resolveReference };
  }
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap }]);
}

const loaders = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();

/**
 * A reference resolver that batches every `id` asked for in one request into a single
 * `loadByIds` call (the gateway sends many representations in one `_entities` query).
 */
export function batchedReference<TContext extends object, TEntity extends { id: string }>(
  typeName: string,
  loadByIds: (ids: readonly string[], context: TContext) => Promise<TEntity[]>,
): ReferenceResolver<TContext> {
  return (reference, context) => {
    let perContext = loaders.get(context);
    if (!perContext) {
      perContext = new Map();
      loaders.set(context, perContext);
    }
    let loader = perContext.get(typeName);
    if (!loader) {
      loader = new DataLoader<string, unknown>(async (ids) => {
        const rows = await loadByIds(ids, context);
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      });
      perContext.set(typeName, loader);
    }
    const id = reference['id'];
    return typeof id === 'string' ? loader.load(id) : null;
  };
}

/**
 * A batched reference resolver for tenant data: it resolves only for callers holding `scope`, and
 * loads only rows of the caller's organization (`loadByIds` receives it), so `_entities` never
 * answers with another organization's objects.
 */
export function tenantReference<TEntity extends { id: string }>(
  typeName: string,
  scope: string,
  loadByIds: (orgId: string | undefined, ids: readonly string[]) => Promise<TEntity[]>,
): ReferenceResolver<ServiceContext> {
  return batchedReference<ServiceContext, TEntity>(typeName, (ids, { identity }) =>
    scopeAllows(identity.scopes, scope) ? loadByIds(identity.orgId, ids) : Promise.resolve([]),
  );
}
