import type { Identity } from '@aitip/kit';
import { RouterRequestError } from '../http/request-errors.js';
import type { IntrospectionPolicy, QueryLimitSettings } from '../security.js';
import type { AnalyzedOperation } from './query-analyzer.js';

/** Refuses query text longer than the limit, before it is parsed. */
export function checkQueryLength(query: string, limits: QueryLimitSettings): void {
  if (query.length <= limits.maxQueryLength) return;
  throw new RouterRequestError(
    400,
    'QUERY_TOO_LARGE',
    `The query is ${query.length} characters long; this router accepts at most ${limits.maxQueryLength} ` +
      `(MAX_QUERY_LENGTH). Split it into smaller operations.`,
    { limit: limits.maxQueryLength, measured: query.length },
  );
}

/** Refuses an operation over the depth, alias, root field or cost limit. */
export function checkQueryLimits(operation: AnalyzedOperation, limits: QueryLimitSettings): void {
  if (operation.depth > limits.maxDepth) {
    throw refusal(
      'QUERY_TOO_DEEP',
      `The operation nests fields ${operation.depth} levels deep; the limit is ${limits.maxDepth} (MAX_QUERY_DEPTH). ` +
        'Ask for fewer nested levels and fetch deeper objects in a follow-up query.',
      limits.maxDepth,
      operation.depth,
    );
  }
  if (operation.aliases > limits.maxAliases) {
    throw refusal(
      'QUERY_TOO_COMPLEX',
      `The operation uses ${operation.aliases} aliases; the limit is ${limits.maxAliases} (MAX_QUERY_ALIASES). ` +
        'Use list fields instead of many aliased copies of one field.',
      limits.maxAliases,
      operation.aliases,
    );
  }
  if (operation.rootFields > limits.maxRootFields) {
    throw refusal(
      'QUERY_TOO_COMPLEX',
      `The operation selects ${operation.rootFields} top-level fields; the limit is ${limits.maxRootFields} ` +
        '(MAX_ROOT_FIELDS). Split it into several operations.',
      limits.maxRootFields,
      operation.rootFields,
    );
  }
  if (operation.cost > limits.maxCost) {
    throw refusal(
      'QUERY_TOO_COMPLEX',
      `The operation's estimated cost is ${operation.cost}; the limit is ${limits.maxCost} (MAX_QUERY_COST). ` +
        'Ask for smaller pages (first/last/limit) or fewer nested lists.',
      limits.maxCost,
      operation.cost,
    );
  }
}

/** Applies the introspection policy: signed-in callers only (default), anyone, or no one. */
export function checkIntrospection(
  operation: AnalyzedOperation,
  identity: Identity,
  policy: IntrospectionPolicy,
): void {
  if (!operation.introspection || policy === 'always') return;
  if (policy === 'never') {
    throw new RouterRequestError(
      403,
      'FORBIDDEN',
      'Introspection is turned off on this router (INTROSPECTION=never). Use the published schema (supergraph.graphql) instead.',
    );
  }
  if (identity.kind === 'anonymous') {
    throw new RouterRequestError(
      401,
      'UNAUTHENTICATED',
      'Introspection needs a signed-in caller: send "Authorization: Bearer <access token or aitip_ API key>" ' +
        '(aitip login, or the web sign-in page).',
    );
  }
}

function refusal(code: string, message: string, limit: number, measured: number): RouterRequestError {
  return new RouterRequestError(400, code, message, { limit, measured });
}
