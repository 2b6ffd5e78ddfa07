import type { CombinedError } from 'urql';
import { describeApiError } from './errors';

/** An inline error (role="alert"); renders nothing without one. */
export function ErrorAlert({ error }: { error: CombinedError | string | null | undefined }) {
  if (!error) return null;
  return (
    <div className="alert" role="alert">
      {typeof error === 'string' ? error : describeApiError(error)}
    </div>
  );
}
