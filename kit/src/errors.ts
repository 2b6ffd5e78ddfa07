import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './log.js';
import { currentRequestId } from './request-scope.js';

/** The stable error codes clients can rely on in `extensions.code`. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'SUBGRAPH_UNAVAILABLE'
  | 'INTERNAL';

/** An expected failure a user can act on; its message says what to do. */
export class AitipError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...details, code } });
    this.name = code;
  }
}

export class InputError extends AitipError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BAD_USER_INPUT', message, details);
  }
}
export class UnauthenticatedError extends AitipError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('UNAUTHENTICATED', message, details);
  }
}
export class ForbiddenError extends AitipError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('FORBIDDEN', message, details);
  }
}
export class NotFoundError extends AitipError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', message, details);
  }
}
export class ConflictError extends AitipError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, details);
  }
}
export class QuotaExceededError extends AitipError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('QUOTA_EXCEEDED', message, details);
  }
}

/** The HTTP status of an expected error's code, for answers outside GraphQL (REST routes, blob URLs). */
export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 403,
  RATE_LIMITED: 429,
};

/** Codes that are safe to show to a client as they are. */
const publicCodes = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  'SUBGRAPH_UNAVAILABLE',
  // already masked by the subgraph that produced them; the router passes them on
  'INTERNAL',
  'DOWNSTREAM_SERVICE_ERROR',
  // produced by graphql-js / Apollo Server for malformed operations
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * Builds Apollo Server's formatError: expected errors pass through with their code,
 * anything else is logged with the request id and shown as INTERNAL without internals.
 */
export function errorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && publicCodes.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const requestId = currentRequestId();
    log.error({ err: original, requestId, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal error' + (requestId ? ` (request id ${requestId})` : ''),
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL' },
    };
  };
}
