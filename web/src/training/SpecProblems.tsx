import type { CombinedError } from 'urql';
import { describeApiError } from '../graphql/errors';
import type { SpecProblem } from './spec-yaml';

/** What a failed submission says: the validator's `extensions.problems`, or the API's message when it has none. */
export interface SubmitFailure {
  message: string;
  problems: SpecProblem[];
}

function isProblem(value: unknown): value is SpecProblem {
  const problem = value as SpecProblem | null;
  return typeof problem?.message === 'string' && typeof problem.path === 'string';
}

/** Reads a submission's error: every problem the spec validator listed, or the API's message. */
export function submitFailure(error: CombinedError): SubmitFailure {
  const problems = error.graphQLErrors.flatMap((graphQLError) => {
    const listed = graphQLError.extensions?.problems;
    return Array.isArray(listed) ? listed.filter(isProblem) : [];
  });
  return { message: problems.length > 0 ? '' : describeApiError(error), problems };
}

/** The problems of a spec, each with where it is (field path, YAML line) and what to do. */
export function SpecProblems({ failure }: { failure: SubmitFailure | null }) {
  if (!failure) return null;
  if (failure.problems.length === 0) {
    return (
      <div className="alert" role="alert">
        {failure.message}
      </div>
    );
  }
  return (
    <div className="alert spec-problems" role="alert">
      <p>
        The job spec has {failure.problems.length} {failure.problems.length === 1 ? 'problem' : 'problems'}:
      </p>
      <ul aria-label="Spec problems">
        {failure.problems.map((problem, index) => (
          <li key={index}>
            {problem.line !== undefined && <code>line {problem.line}</code>}
            {problem.path && <code>{problem.path}</code>}
            {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
