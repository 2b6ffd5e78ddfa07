import { useState } from 'react';
import type { AnyVariables, TypedDocumentNode } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';

/**
 * Delete (after a confirmation) or restore something deletable by id: a dataset or a version.
 * Deletion is soft: the confirmation says it can be restored until the retention period ends.
 */
export function DeleteRestore<D, R>({
  id,
  label,
  deleted,
  deleteDocument,
  restoreDocument,
  onChanged,
}: {
  id: string;
  /** What it is, as the buttons name it, e.g. "version 3" or "dataset". */
  label: string;
  deleted: boolean;
  deleteDocument: TypedDocumentNode<D, { id: string } & AnyVariables>;
  restoreDocument: TypedDocumentNode<R, { id: string } & AnyVariables>;
  onChanged: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = useApiMutation(deleteDocument);
  const restore = useApiMutation(restoreDocument);

  async function run(action: typeof remove | typeof restore) {
    setError(null);
    const outcome = await action.run({ id });
    setConfirming(false);
    if (!outcome.ok) setError(outcome.message);
    else onChanged();
  }

  const noun = label.split(' ')[0];
  return (
    <div className="version-actions">
      <ErrorAlert error={error} />
      {deleted ? (
        <button type="button" onClick={() => void run(restore)} disabled={restore.fetching}>
          Restore {noun}
        </button>
      ) : confirming ? (
        <span className="confirm">
          Delete {label}? It can be restored until the retention period ends.{' '}
          <button type="button" className="danger" onClick={() => void run(remove)} disabled={remove.fetching}>
            Confirm deletion
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Delete {noun}
        </button>
      )}
    </div>
  );
}
