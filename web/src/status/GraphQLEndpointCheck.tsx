import { useEffect } from 'react';
import { gql, useQuery, type CombinedError } from 'urql';
import { GRAPHQL_HTTP_PATH } from '../endpoints';

// The smallest operation any schema answers; it proves the router executes GraphQL.
const ROUTER_TYPENAME_QUERY = gql`
  query ShellRouterCheck {
    __typename
  }
`;

const MAX_PROBLEM_LENGTH = 200;

// urql's network errors carry whole response bodies (an HTML page, say); keep the gist.
function describeProblem(error: CombinedError): string {
  const problem =
    error.graphQLErrors.length > 0
      ? error.graphQLErrors.map((graphQLError) => graphQLError.message).join('; ')
      : error.response instanceof Response
        ? `HTTP ${error.response.status} without a GraphQL answer`
        : (error.networkError?.message ?? error.message);
  return problem.length > MAX_PROBLEM_LENGTH ? `${problem.slice(0, MAX_PROBLEM_LENGTH)}…` : problem;
}

/** Says whether the router's GraphQL endpoint answers; re-asks whenever `checkedAt` changes. */
export function GraphQLEndpointCheck({ checkedAt }: { checkedAt: number | null }) {
  const [result, reexecuteQuery] = useQuery<{ __typename: string }>({
    query: ROUTER_TYPENAME_QUERY,
    requestPolicy: 'network-only',
  });

  useEffect(() => {
    if (checkedAt !== null) reexecuteQuery({ requestPolicy: 'network-only' });
  }, [checkedAt, reexecuteQuery]);

  let verdict;
  if (result.error) {
    verdict = (
      <>
        <span className="badge badge-bad">not answering</span> {describeProblem(result.error)}
      </>
    );
  } else if (result.data) {
    verdict = <span className="badge badge-ok">answering</span>;
  } else {
    verdict = <span className="badge badge-pending">checking…</span>;
  }

  return (
    <p className="graphql-check">
      GraphQL API <code>{GRAPHQL_HTTP_PATH}</code>: {verdict}
    </p>
  );
}
