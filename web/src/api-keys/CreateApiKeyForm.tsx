import { useState, type FormEvent } from 'react';
import { scopeAllows } from '../auth/viewer';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { Field } from '../shell/Field';
import { CREATE_API_KEY } from './operations';
import { SCOPES } from './scopes';

// A date input gives a day; the key stays valid until that day ends, in the user's time zone.
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59.999`).toISOString();
}

/** Name, scopes (only those the creator holds can be ticked) and an optional expiry date. */
export function CreateApiKeyForm({
  heldScopes,
  onCreated,
}: {
  heldScopes: readonly string[];
  onCreated: (secret: string) => void;
}) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiresOn, setExpiresOn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = useApiMutation(CREATE_API_KEY);

  function toggle(scope: string, checked: boolean) {
    setScopes((current) => (checked ? [...current, scope] : current.filter((held) => held !== scope)));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (scopes.length === 0) {
      setError('Tick at least one scope: a key without scopes can do nothing.');
      return;
    }
    setError(null);
    const outcome = await create.run({
      input: { name: name.trim(), scopes, expiresAt: expiresOn ? endOfDay(expiresOn) : undefined },
    });
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    onCreated(outcome.data.createApiKey.secret);
    setName('');
    setScopes([]);
    setExpiresOn('');
  }

  return (
    <form className="api-key-form" onSubmit={(event) => void submit(event)} aria-label="Create an API key">
      <h3>Create an API key</h3>
      <Field label="Key name" required value={name} onChange={(e) => setName(e.target.value)} />
      <fieldset className="scope-list">
        <legend>Scopes</legend>
        {SCOPES.map((scope) => {
          const allowed = scopeAllows(heldScopes, scope);
          return (
            <label
              key={scope}
              className={allowed ? undefined : 'unavailable'}
              title={allowed ? undefined : 'Your role does not hold this scope'}
            >
              <input
                type="checkbox"
                value={scope}
                disabled={!allowed}
                checked={scopes.includes(scope)}
                onChange={(event) => toggle(scope, event.target.checked)}
              />{' '}
              {scope}
            </label>
          );
        })}
      </fieldset>
      <Field
        label="Expires on (optional)"
        type="date"
        hint="Without a date the key works until it is revoked."
        value={expiresOn}
        onChange={(e) => setExpiresOn(e.target.value)}
      />
      <ErrorAlert error={error} />
      <button type="submit" disabled={create.fetching}>
        {create.fetching ? 'Creating…' : 'Create API key'}
      </button>
    </form>
  );
}
