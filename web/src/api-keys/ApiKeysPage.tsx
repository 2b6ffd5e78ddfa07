import { useState } from 'react';
import { useViewer, viewerCan } from '../auth/viewer';
import { OneTimeSecret } from '../shell/OneTimeSecret';
import { ApiKeysTable } from './ApiKeysTable';
import { CreateApiKeyForm } from './CreateApiKeyForm';

/** API keys of the active organization: list, create (secret shown once) and revoke. */
export function ApiKeysPage() {
  const viewer = useViewer();
  const [createdSecret, setCreatedSecret] = useState<string | null>(null);
  const canWrite = viewerCan(viewer, 'keys:write');
  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">API keys</h2>
      <p>
        An API key acts in this organization with the scopes you give it, for scripts, the CLI and CI. Send it as{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      {createdSecret && (
        <OneTimeSecret
          label="New API key"
          value={createdSecret}
          warning="Copy this key now: it is shown only once and cannot be shown again."
          onDismiss={() => setCreatedSecret(null)}
        />
      )}
      {canWrite && viewer && <CreateApiKeyForm heldScopes={viewer.scopes} onCreated={setCreatedSecret} />}
      <ApiKeysTable canRevoke={canWrite} />
    </section>
  );
}
