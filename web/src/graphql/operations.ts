import { useCallback } from 'react';
import { gql, useMutation, type AnyVariables, type TypedDocumentNode } from 'urql';
import { describeApiError } from './errors';

/** A GraphQL document typed with what it answers and what it takes. */
export function operation<Data, Variables extends AnyVariables = Record<string, never>>(
  source: string,
): TypedDocumentNode<Data, Variables> {
  return gql<Data, Variables>(source);
}

/** How a mutation went: its data, or the message to show inline. */
export type MutationOutcome<Data> = { ok: true; data: Data } | { ok: false; message: string };

/** urql's useMutation, answering with data or a message fit for an inline alert. */
export function useApiMutation<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
): { fetching: boolean; run: (variables: Variables) => Promise<MutationOutcome<Data>> } {
  const [state, execute] = useMutation<Data, Variables>(document);
  const run = useCallback(
    async (variables: Variables): Promise<MutationOutcome<Data>> => {
      const result = await execute(variables);
      if (result.error) return { ok: false, message: describeApiError(result.error) };
      if (!result.data) return { ok: false, message: 'The API answered without data. Try again.' };
      return { ok: true, data: result.data };
    },
    [execute],
  );
  return { fetching: state.fetching, run };
}
