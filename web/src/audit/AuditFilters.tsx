import { useState, type FormEvent } from 'react';
import { Field } from '../shell/Field';
import type { AuditEventFilter } from './operations';

// datetime-local inputs give local wall-clock time without a zone; the API wants an instant.
function toInstant(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

function trimmed(value: string): string | undefined {
  return value.trim() || undefined;
}

/** The audit log's filter form; applying it starts the list again from the newest event. */
export function AuditFilters({ onApply }: { onApply: (filter: AuditEventFilter) => void }) {
  const [action, setAction] = useState('');
  const [actorId, setActorId] = useState('');
  const [targetType, setTargetType] = useState('');
  const [result, setResult] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({
      action: trimmed(action),
      actorId: trimmed(actorId),
      targetType: trimmed(targetType),
      result: trimmed(result),
      since: toInstant(since),
      until: toInstant(until),
    });
  }

  return (
    <form className="filters" onSubmit={submit} aria-label="Audit log filters">
      <Field label="Action" placeholder="apiKey.create" value={action} onChange={(e) => setAction(e.target.value)} />
      <Field label="Actor id" value={actorId} onChange={(e) => setActorId(e.target.value)} />
      <Field
        label="Target type"
        placeholder="ApiKey"
        value={targetType}
        onChange={(e) => setTargetType(e.target.value)}
      />
      <div className="field">
        <label htmlFor="audit-result">Result</label>
        <select id="audit-result" value={result} onChange={(event) => setResult(event.target.value)}>
          <option value="">any</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
        </select>
      </div>
      <Field label="Since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      <Field label="Until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
      <button type="submit">Apply filters</button>
    </form>
  );
}
