import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { measureOperation, rootFieldNames, type OperationMeasure } from './operation-measure.js';

/** The public mutations that take credentials; limited per client IP on their own. */
export const AUTH_MUTATIONS = new Set(['logIn', 'signUp', 'refreshSession']);

/** One operation of a request, as the rate and query limits see it. */
export interface AnalyzedOperation extends OperationMeasure {
  type: 'query' | 'mutation' | 'subscription';
  /** Whether it calls one of AUTH_MUTATIONS. */
  authMutation: boolean;
}

interface ParsedDocument {
  document: DocumentNode;
  fragments: Map<string, FragmentDefinitionNode>;
  operations: OperationDefinitionNode[];
  /** Measures without variables, by operation name ('' for an anonymous one). */
  measured: Map<string, AnalyzedOperation>;
}

/**
 * Parses and measures operations, caching the result per query text so that the hot path neither
 * parses nor walks a query it has seen. Returns undefined for a query that does not parse or names
 * no single operation: Apollo answers those with its usual errors.
 */
export class QueryAnalyzer {
  private readonly cache = new LRUCache<string, ParsedDocument | false>({
    max: 5000,
    // the parsed tree takes a few times the text's size; bound the cache by that, not by count alone
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (_value, query) => query.length * 4 + 1,
  });

  constructor(private readonly schema: GraphQLSchema | undefined) {}

  analyze(
    query: string,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
  ): AnalyzedOperation | undefined {
    let parsed = this.cache.get(query);
    if (parsed === undefined) {
      parsed = this.parse(query);
      this.cache.set(query, parsed);
    }
    if (!parsed) return undefined;
    const operation = operationName
      ? parsed.operations.find((o) => o.name?.value === operationName)
      : parsed.operations.length === 1
        ? parsed.operations[0]
        : undefined;
    if (!operation) return undefined;
    const key = operation.name?.value ?? '';
    let result = parsed.measured.get(key);
    if (!result) {
      result = this.measure(operation, parsed.fragments, undefined);
      parsed.measured.set(key, result);
    }
    // a page size from a variable changes the cost with each request's variables
    if (result.costUsesVariables && variables) result = this.measure(operation, parsed.fragments, variables);
    return result;
  }

  private parse(query: string): ParsedDocument | false {
    let document: DocumentNode;
    try {
      document = parse(query, { noLocation: true });
    } catch {
      return false;
    }
    const fragments = new Map<string, FragmentDefinitionNode>();
    const operations: OperationDefinitionNode[] = [];
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    }
    return { document, fragments, operations, measured: new Map() };
  }

  private measure(
    operation: OperationDefinitionNode,
    fragments: Map<string, FragmentDefinitionNode>,
    variables: Record<string, unknown> | undefined,
  ): AnalyzedOperation {
    const measure = measureOperation(operation, fragments, this.schema, variables);
    const authMutation =
      operation.operation === 'mutation' && rootFieldNames(operation, fragments).some((n) => AUTH_MUTATIONS.has(n));
    return { ...measure, type: operation.operation, authMutation };
  }
}
