import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** What the limits look at in one operation. */
export interface OperationMeasure {
  /** The deepest field nesting (`{ a { b } }` is 2); `__typename` does not count. */
  depth: number;
  /** Aliased fields, counted once per place they are selected (fragments included). */
  aliases: number;
  /** Top-level fields, fragments expanded; `__typename` does not count. */
  rootFields: number;
  /** Estimated fields resolved: see `fieldCost`. */
  cost: number;
  /** Whether it asks for `__schema` or `__type`. */
  introspection: boolean;
  /** Whether a page-size argument comes from a variable, so the cost depends on the variables. */
  costUsesVariables: boolean;
}

/** Arguments that say how many items a list field returns. */
const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);
/** How many items a list field without a size argument is assumed to return. */
export const ASSUMED_LIST_SIZE = 10;
/** The list fields of a connection, which the connection field's size argument already counts. */
const CONNECTION_LISTS = new Set(['edges', 'nodes']);

interface Measured {
  depth: number;
  aliases: number;
  cost: number;
  introspection: boolean;
  costUsesVariables: boolean;
}

const EMPTY: Measured = { depth: 0, aliases: 0, cost: 0, introspection: false, costUsesVariables: false };

/**
 * Measures one operation. The cost of a field is 1 plus its selections' cost times how many items
 * it returns: its `first`/`last`/`limit` argument, else ASSUMED_LIST_SIZE when the schema says it
 * is a list, else 1. A connection field with a size argument passes it to its `edges`/`nodes`.
 * Fragments are measured once each, so fragment "bombs" cost no more to measure than to read.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema | undefined,
  variables: Record<string, unknown> | undefined,
): OperationMeasure {
  const defaults = new Map<string, ValueNode | undefined>(
    (operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d.defaultValue]),
  );
  const memo = new Map<string, Measured>();
  const inProgress = new Set<string>();

  const sizeOf = (value: ValueNode): { size?: number; fromVariable: boolean } => {
    if (value.kind === Kind.INT) return { size: Number(value.value), fromVariable: false };
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      const given = variables?.[name];
      if (typeof given === 'number' && Number.isFinite(given)) return { size: given, fromVariable: true };
      const fallback = defaults.get(name);
      return { size: fallback?.kind === Kind.INT ? Number(fallback.value) : undefined, fromVariable: true };
    }
    return { fromVariable: false };
  };

  // Introspection is answered by the router from the schema it holds, so its lists are as long as the
  // schema is, whatever the query asks: under __schema/__type every field costs 1, no list multiplier.
  const walk = (
    parent: GraphQLNamedType | undefined,
    set: SelectionSetNode,
    pageSize?: number,
    introspecting = false,
  ): Measured => {
    let result = EMPTY;
    const add = (part: Measured) => {
      result = {
        depth: Math.max(result.depth, part.depth),
        aliases: result.aliases + part.aliases,
        cost: result.cost + part.cost,
        introspection: result.introspection || part.introspection,
        costUsesVariables: result.costUsesVariables || part.costUsesVariables,
      };
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        const introspection = name === '__schema' || name === '__type';
        const type = fieldType(schema, parent, name);
        const list = type !== undefined && isListType(getNullableType(type));
        let size: number | undefined;
        let fromVariable = false;
        for (const argument of selection.arguments ?? []) {
          if (!SIZE_ARGUMENTS.has(argument.name.value)) continue;
          const found = sizeOf(argument.value);
          size = found.size ?? size;
          fromVariable ||= found.fromVariable;
        }
        let multiplier = 1;
        let childPageSize: number | undefined;
        const inside = introspecting || introspection;
        if (inside) multiplier = 1;
        else if (size !== undefined && (list || type === undefined)) multiplier = Math.max(0, size);
        else if (size !== undefined) childPageSize = Math.max(0, size);
        else if (list) multiplier = pageSize !== undefined && CONNECTION_LISTS.has(name) ? pageSize : ASSUMED_LIST_SIZE;
        const child = selection.selectionSet
          ? walk(type ? getNamedType(type) : undefined, selection.selectionSet, childPageSize, inside)
          : EMPTY;
        add({
          depth: 1 + child.depth,
          aliases: (selection.alias ? 1 : 0) + child.aliases,
          cost: 1 + multiplier * child.cost,
          introspection: introspection || child.introspection,
          costUsesVariables: fromVariable || child.costUsesVariables,
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema?.getType(selection.typeCondition.name.value) : parent;
        add(walk(condition ?? undefined, selection.selectionSet, pageSize, introspecting));
      } else {
        const name = selection.name.value;
        const key = `${name}|${pageSize ?? ''}|${introspecting}`;
        const cached = memo.get(key);
        if (cached) {
          add(cached);
          continue;
        }
        const fragment = fragments.get(name);
        // unknown or cyclic fragments are validation errors that Apollo reports
        if (!fragment || inProgress.has(name)) continue;
        inProgress.add(name);
        const measured = walk(
          schema?.getType(fragment.typeCondition.name.value) ?? undefined,
          fragment.selectionSet,
          pageSize,
          introspecting,
        );
        inProgress.delete(name);
        memo.set(key, measured);
        add(measured);
      }
    }
    return result;
  };

  const rootType =
    operation.operation === 'query'
      ? schema?.getQueryType()
      : operation.operation === 'mutation'
        ? schema?.getMutationType()
        : schema?.getSubscriptionType();
  const measured = walk(rootType ?? undefined, operation.selectionSet);
  return { ...measured, rootFields: rootFieldNames(operation, fragments).length };
}

/** The top-level field names of an operation, fragments expanded, `__typename` left out. */
export function rootFieldNames(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') names.push(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return names;
}

function fieldType(
  schema: GraphQLSchema | undefined,
  parent: GraphQLNamedType | undefined,
  name: string,
): GraphQLOutputType | undefined {
  if (name === '__schema') return SchemaMetaFieldDef.type;
  if (name === '__type') return TypeMetaFieldDef.type;
  if (!schema || !parent || !isCompositeType(parent) || !('getFields' in parent)) return undefined;
  return parent.getFields()[name]?.type;
}
