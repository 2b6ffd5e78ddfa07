import type { CombinedError } from 'urql';

const MAX_MESSAGE_LENGTH = 300;

/** The `extensions.code` of the first GraphQL error (UNAUTHENTICATED, FORBIDDEN, …), if any. */
export function apiErrorCode(error: CombinedError): string | undefined {
  const code = error.graphQLErrors[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What to show a user for a failed operation: the API's own messages, which say what to do. */
export function describeApiError(error: CombinedError): string {
  let message: string;
  if (error.graphQLErrors.length > 0) {
    message = [...new Set(error.graphQLErrors.map((graphQLError) => graphQLError.message))].join(' ');
  } else if (error.response instanceof Response && error.response.status >= 400) {
    message = `The API answered HTTP ${error.response.status}. Try again; if it keeps failing, check the platform status.`;
  } else {
    message = `Cannot reach the AITIP API (${error.networkError?.message ?? error.message}). Check the platform status.`;
  }
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}
