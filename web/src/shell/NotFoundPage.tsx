import { STATUS_PATH } from './domains';
import { ShellLink } from './navigation';

/** Shown for a path the shell has no page for. */
export function NotFoundPage({ pathname }: { pathname: string }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">Page not found</h2>
      <p>
        There is no page at <code>{pathname}</code>. Go to the <ShellLink to={STATUS_PATH}>platform status</ShellLink>{' '}
        or pick a domain in the navigation.
      </p>
    </section>
  );
}
