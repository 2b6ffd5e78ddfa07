import type { IncomingMessage } from 'node:http';

/** The parts of a GraphQL over HTTP request the router looks at before Apollo runs. */
export interface GraphQLParams {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/**
 * Reads query, operation name and variables from a POST body or GET search parameters, the way
 * Apollo Server will; anything malformed is left out for Apollo to report.
 */
export function graphqlParamsOf(req: IncomingMessage, body: unknown): GraphQLParams {
  if (req.method === 'GET') {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if (q < 0) return {};
    const search = new URLSearchParams(url.slice(q + 1));
    return pick(search.get('query'), search.get('operationName'), parseJson(search.get('variables')));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  return pick(b['query'], b['operationName'], b['variables']);
}

function pick(query: unknown, operationName: unknown, variables: unknown): GraphQLParams {
  return {
    query: typeof query === 'string' ? query : undefined,
    operationName: typeof operationName === 'string' && operationName ? operationName : undefined,
    variables:
      typeof variables === 'object' && variables !== null && !Array.isArray(variables)
        ? (variables as Record<string, unknown>)
        : undefined,
  };
}

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
