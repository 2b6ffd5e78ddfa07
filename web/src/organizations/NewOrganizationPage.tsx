import { useState, type FormEvent } from 'react';
import { setActiveOrganization } from '../auth/session';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { Field } from '../shell/Field';
import { navigate } from '../shell/navigation';
import { CREATE_ORGANIZATION } from './operations';

/** Creates an organization; the creator becomes its owner and it becomes the active one. */
export function NewOrganizationPage() {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = useApiMutation(CREATE_ORGANIZATION);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const outcome = await create.run({ input: { name: name.trim(), slug: slug.trim() || undefined } });
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    setActiveOrganization(outcome.data.createOrganization.id);
    navigate('/members');
  }

  return (
    <section className="page narrow" aria-labelledby="page-title">
      <h2 id="page-title">New organization</h2>
      <p>An organization owns datasets, jobs, models and deployments; its members share them. You become its owner.</p>
      <form onSubmit={(event) => void submit(event)}>
        <Field label="Name" required value={name} onChange={(e) => setName(e.target.value)} />
        <Field
          label="Slug (optional)"
          hint="URL-safe short name such as acme-research; derived from the name when empty."
          value={slug}
          onChange={(e) => setSlug(e.target.value)}
        />
        <ErrorAlert error={error} />
        <button type="submit" disabled={create.fetching}>
          {create.fetching ? 'Creating…' : 'Create organization'}
        </button>
      </form>
    </section>
  );
}
