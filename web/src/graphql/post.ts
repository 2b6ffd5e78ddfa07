import { GRAPHQL_HTTP_PATH } from '../endpoints';

/** One error of a GraphQL answer, as the router formats it. */
export interface ApiError {
  message: string;
  extensions?: { code?: string; reason?: string; [key: string]: unknown };
}

/** A GraphQL answer: data, errors, or both. */
export interface ApiResult<Data> {
  data?: Data | null;
  errors?: ApiError[];
}

/**
 * POSTs one operation without the session's credentials, for the calls that manage the session
 * itself (refreshSession, logOut) and so must not go through the refreshing fetch.
 */
export async function postGraphQL<Data>(query: string, variables: Record<string, unknown>): Promise<ApiResult<Data>> {
  const response = await fetch(GRAPHQL_HTTP_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => null)) as ApiResult<Data> | null;
  if (!body || typeof body !== 'object') {
    return { errors: [{ message: `The API answered HTTP ${response.status} without a GraphQL answer.` }] };
  }
  return body;
}
