import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { Field } from '../shell/Field';
import { CREATE_DATASET } from './operations';

/** Tags typed as "a, b c": split on commas and spaces, blanks and repeats dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Name, description and tags of a new, empty dataset. */
export function CreateDatasetForm({ onCreated }: { onCreated: (datasetId: string) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = useApiMutation(CREATE_DATASET);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const outcome = await create.run({
      input: {
        name: name.trim(),
        description: description.trim() || undefined,
        tags: parseTags(tags),
      },
    });
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    onCreated(outcome.data.createDataset.id);
  }

  return (
    <form className="dataset-form" onSubmit={(event) => void submit(event)} aria-label="New dataset">
      <h3>New dataset</h3>
      <Field
        label="Dataset name"
        required
        hint='Unique in this organization: letters, digits, ".", "_" and "-".'
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <Field label="Description (optional)" value={description} onChange={(e) => setDescription(e.target.value)} />
      <Field
        label="Tags (optional)"
        hint="Separated by commas or spaces."
        value={tags}
        onChange={(e) => setTags(e.target.value)}
      />
      <ErrorAlert error={error} />
      <button type="submit" disabled={create.fetching}>
        {create.fetching ? 'Creating…' : 'Create dataset'}
      </button>
    </form>
  );
}
