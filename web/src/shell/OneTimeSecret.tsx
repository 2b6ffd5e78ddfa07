import { useState } from 'react';

/**
 * A value the API shows only once (an API key, an invitation link), in a highlighted box with
 * a copy button and the warning that it cannot be shown again.
 */
export function OneTimeSecret({
  label,
  value,
  warning,
  onDismiss,
}: {
  label: string;
  value: string;
  warning: string;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      // The clipboard needs a secure context and permission; selecting the text still works.
      setCopied('failed');
    }
  }

  return (
    <section className="one-time-secret" aria-label={label}>
      <h3>{label}</h3>
      <p>
        <strong>{warning}</strong>
      </p>
      <p>
        <code className="secret-value" data-testid="one-time-secret">
          {value}
        </code>
      </p>
      <p className="actions">
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          Copy
        </button>{' '}
        <button type="button" onClick={onDismiss}>
          Done
        </button>{' '}
        <span role="status">
          {copied === 'copied' ? 'Copied.' : copied === 'failed' ? 'Copy failed; select the text and copy it.' : ''}
        </span>
      </p>
    </section>
  );
}
