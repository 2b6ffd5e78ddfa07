import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { PLAYGROUND_PATH } from '../shell/domains';
import { Field } from '../shell/Field';
import { navigate, ShellLink } from '../shell/navigation';
import { LOG_IN, sessionFrom } from './auth-session';
import { writeSession } from './session';

// Only same-origin paths: `?next=https://elsewhere` must not turn sign-in into a redirector.
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

/** Sign-in with e-mail and password; goes back to `?next=` afterwards. */
export function LogInPage() {
  const [next] = useState(() => safeNext(new URLSearchParams(window.location.search).get('next')));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const logIn = useApiMutation(LOG_IN);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const outcome = await logIn.run({ email: email.trim(), password });
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    const session = outcome.data.logIn;
    writeSession(sessionFrom(session));
    const target = next ?? (session.organization ? '/' : '/organizations/new');
    // The playground is a page of its own, not a shell route.
    if (target.startsWith(PLAYGROUND_PATH)) window.location.assign(target);
    else navigate(target);
  }

  return (
    <section className="page narrow" aria-labelledby="page-title">
      <h2 id="page-title">Sign in</h2>
      <form onSubmit={(event) => void submit(event)}>
        <Field
          label="E-mail"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorAlert error={error} />
        <button type="submit" disabled={logIn.fetching}>
          {logIn.fetching ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        No account yet? <ShellLink to="/signup">Sign up</ShellLink> with an invitation.
      </p>
    </section>
  );
}
