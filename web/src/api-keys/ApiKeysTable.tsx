import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { API_KEYS, REVOKE_API_KEY, type ApiKey } from './operations';

function formatDate(value: string | null, none: string): string {
  return value ? new Date(value).toLocaleString() : none;
}

function RevokeButton({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} aria-label={`Revoke ${apiKey.name}`}>
        Revoke
      </button>
    );
  }
  return (
    <span className="confirm">
      Revoke {apiKey.name}? Whatever uses it stops working at once.{' '}
      <button type="button" className="danger" onClick={() => void onRevoke().finally(() => setConfirming(false))}>
        Confirm revoke
      </button>{' '}
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

/** Every key of the organization, revoked ones included, with a revoke button for live ones. */
export function ApiKeysTable({ canRevoke }: { canRevoke: boolean }) {
  const context = useMemo(() => ({ additionalTypenames: ['ApiKey'] }), []);
  const [result] = useQuery({ query: API_KEYS, context, requestPolicy: 'cache-and-network' });
  const revoke = useApiMutation(REVOKE_API_KEY);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function onRevoke(id: string) {
    setRevokeError(null);
    const outcome = await revoke.run({ id });
    if (!outcome.ok) setRevokeError(outcome.message);
  }

  if (result.error && !result.data) return <ErrorAlert error={result.error} />;
  if (!result.data) return <p className="progress">Loading API keys…</p>;
  const keys = result.data.apiKeys;

  return (
    <>
      <ErrorAlert error={revokeError} />
      {keys.length === 0 ? (
        <p>This organization has no API keys yet.</p>
      ) : (
        <table className="data-table" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created by</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Revoked</th>
              {canRevoke && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {keys.map((apiKey) => (
              <tr key={apiKey.id} className={apiKey.revokedAt ? 'revoked' : undefined}>
                <th scope="row">{apiKey.name}</th>
                <td>
                  <code>{apiKey.prefix}</code>
                </td>
                <td>{apiKey.scopes.join(', ')}</td>
                <td>{apiKey.createdBy?.displayName ?? '—'}</td>
                <td>{formatDate(apiKey.lastUsedAt, 'never')}</td>
                <td>{formatDate(apiKey.expiresAt, 'never')}</td>
                <td>{formatDate(apiKey.revokedAt, 'no')}</td>
                {canRevoke && (
                  <td>{!apiKey.revokedAt && <RevokeButton apiKey={apiKey} onRevoke={() => onRevoke(apiKey.id)} />}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
