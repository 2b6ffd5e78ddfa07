import { useState, type FormEvent } from 'react';
import { Field } from '../shell/Field';
import type { DatasetFilter, DatasetStatus } from './operations';

const STATUSES: DatasetStatus[] = ['EMPTY', 'VALIDATING', 'READY', 'INVALID'];

/** Filters of the datasets list: part of the name, a tag, a status; applying starts the list again. */
export function DatasetFilters({ onApply }: { onApply: (filter: DatasetFilter) => void }) {
  const [name, setName] = useState('');
  const [tag, setTag] = useState('');
  const [status, setStatus] = useState('');
  const [deleted, setDeleted] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({
      name: name.trim() || undefined,
      tags: tag.trim() ? [tag.trim()] : undefined,
      status: (status || undefined) as DatasetStatus | undefined,
      deleted: deleted || undefined,
    });
  }

  return (
    <form className="filters" onSubmit={submit} aria-label="Dataset filters">
      <Field label="Name contains" value={name} onChange={(e) => setName(e.target.value)} />
      <Field label="Tag" value={tag} onChange={(e) => setTag(e.target.value)} />
      <div className="field">
        <label htmlFor="dataset-status-filter">Status</label>
        <select id="dataset-status-filter" value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">any</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {value.toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={deleted} onChange={(event) => setDeleted(event.target.checked)} /> Deleted
          only
        </label>
      </div>
      <button type="submit">Apply filters</button>
    </form>
  );
}
