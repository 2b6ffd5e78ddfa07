import { PLAYGROUND_PATH, type PlannedDomainPage as PlannedDomain } from './domains';

/** Honest placeholder for a domain whose page has not been built yet. */
export function PlannedDomainPage({ domain }: { domain: PlannedDomain }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">{domain.title}</h2>
      <p className="notice">
        <strong>Not built yet.</strong> The {domain.title} page of the web UI does not exist yet.
      </p>
      <p>
        <strong>Planned:</strong> {domain.purpose}
      </p>
      <p>
        Until then, the <code>{domain.subgraph}</code> subgraph&apos;s part of the API can be explored in the{' '}
        <a href={PLAYGROUND_PATH}>GraphQL playground</a>.
      </p>
    </section>
  );
}
