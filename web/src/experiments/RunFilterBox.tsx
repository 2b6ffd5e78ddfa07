import { useId, useState, type FormEvent } from 'react';

const EXAMPLE = "metrics.rmse < 1 and params.model = 'cnn' and attributes.status = 'FINISHED'";

/**
 * The runs table's filter, in MLflow's search language; applying starts the table again. The
 * API's message for a malformed filter (it names the offending token) shows right below it.
 */
export function RunFilterBox({
  applied,
  error,
  onApply,
}: {
  applied: string;
  error: string | null;
  onApply: (filter: string) => void;
}) {
  const [text, setText] = useState(applied);
  const id = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(text.trim());
  }

  return (
    <form className="run-filter" onSubmit={submit} aria-label="Run filter">
      <div className="field run-filter-field">
        <label htmlFor={id}>Filter runs</label>
        <input
          id={id}
          type="search"
          value={text}
          spellCheck={false}
          placeholder={EXAMPLE}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint`}
          onChange={(event) => setText(event.target.value)}
        />
        <p id={`${id}-hint`} className="hint">
          Clauses joined by <code>and</code> on <code>metrics.</code>, <code>params.</code>, <code>tags.</code> and{' '}
          <code>attributes.</code> (status, run_name, start_time…); quote keys with spaces in backticks.
        </p>
      </div>
      <button type="submit">Apply</button>
      {applied && (
        <button
          type="button"
          onClick={() => {
            setText('');
            onApply('');
          }}
        >
          Clear
        </button>
      )}
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
