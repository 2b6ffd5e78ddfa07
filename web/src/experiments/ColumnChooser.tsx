import { useState } from 'react';
import { columnId, type KeyedColumn, type KeyedColumnKind } from './run-columns';

const GROUPS: { kind: KeyedColumnKind; title: string }[] = [
  { kind: 'metrics', title: 'Metrics' },
  { kind: 'params', title: 'Params' },
  { kind: 'tags', title: 'Tags' },
];

// With more keys than this, the chooser offers a box to find one.
const FIND_THRESHOLD = 12;

/** Picks which params, metrics and tags the runs table shows as columns. */
export function ColumnChooser({
  keys,
  chosen,
  onChange,
}: {
  keys: Record<KeyedColumnKind, readonly string[]>;
  chosen: readonly KeyedColumn[];
  onChange: (columns: KeyedColumn[]) => void;
}) {
  const [find, setFind] = useState('');
  const chosenIds = new Set(chosen.map(columnId));
  const keyCount = GROUPS.reduce((sum, group) => sum + keys[group.kind].length, 0);
  const needle = find.trim().toLowerCase();

  function toggle(column: KeyedColumn) {
    const id = columnId(column);
    onChange(chosenIds.has(id) ? chosen.filter((entry) => columnId(entry) !== id) : [...chosen, column]);
  }

  return (
    <details className="column-chooser">
      <summary>Columns ({chosen.length})</summary>
      <div className="column-chooser-panel">
        {keyCount > FIND_THRESHOLD && (
          <div className="field">
            <label>
              Find a key <input type="search" value={find} onChange={(event) => setFind(event.target.value)} />
            </label>
          </div>
        )}
        {keyCount === 0 && <p className="hint">The runs have no params, metrics or tags yet.</p>}
        {GROUPS.map(({ kind, title }) => {
          const shown = keys[kind].filter((key) => !needle || key.toLowerCase().includes(needle));
          if (shown.length === 0) return null;
          return (
            <fieldset key={kind}>
              <legend>{title}</legend>
              {shown.map((key) => (
                <label key={key} className="column-option">
                  <input
                    type="checkbox"
                    checked={chosenIds.has(`${kind}.${key}`)}
                    onChange={() => toggle({ kind, key })}
                  />{' '}
                  {key}
                </label>
              ))}
            </fieldset>
          );
        })}
        {chosen.length > 0 && (
          <button type="button" onClick={() => onChange([])}>
            Hide all
          </button>
        )}
      </div>
    </details>
  );
}
