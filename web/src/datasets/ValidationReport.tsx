import type { ValidationIssue } from './operations';

/** Why an upload was refused: one row per issue, with the file, line (or archive entry) and code. */
export function ValidationReport({ issues }: { issues: readonly ValidationIssue[] }) {
  const hasEntries = issues.some((issue) => issue.entry);
  return (
    <section className="validation-report" aria-labelledby="validation-report-title">
      <h3 id="validation-report-title">Validation report</h3>
      <p>
        The upload is <strong>invalid</strong>: no version was made and nothing was kept. Fix the{' '}
        {issues.length === 1 ? 'problem' : `${issues.length} problems`} below and upload the files again.
      </p>
      <table className="data-table" aria-label="Validation issues">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Line</th>
            {hasEntries && <th scope="col">Entry</th>}
            <th scope="col">Code</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {issues.length === 0 && (
            <tr>
              <td colSpan={hasEntries ? 5 : 4}>The validation gave no reason.</td>
            </tr>
          )}
          {issues.map((issue, index) => (
            <tr key={index}>
              <td>
                <code>{issue.file}</code>
              </td>
              <td className="numeric">{issue.line ?? '—'}</td>
              {hasEntries && <td>{issue.entry ? <code>{issue.entry}</code> : '—'}</td>}
              <th scope="row">
                <code>{issue.code}</code>
              </th>
              <td>{issue.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
