import { ShellLink } from '../shell/navigation';

/** The path of the current page, to come back to after signing in. */
function currentLocation(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** Shown instead of a page that needs a signed-in user. */
export function SignInPrompt({ title }: { title: string }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">{title}</h2>
      <p className="notice">
        <strong>Sign in to see this page.</strong>{' '}
        <ShellLink to={`/login?next=${encodeURIComponent(currentLocation())}`}>Sign in</ShellLink> with your AITIP
        account, or <ShellLink to="/signup">sign up</ShellLink> with an invitation.
      </p>
    </section>
  );
}
