import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { Field } from '../shell/Field';
import { navigate, ShellLink } from '../shell/navigation';
import { SIGN_UP, sessionFrom } from './auth-session';
import { writeSession } from './session';

/** Shortest password the users subgraph accepts. */
export const MIN_PASSWORD_LENGTH = 10;

// An existing account accepts an invitation after signing in, on the accept page.
function acceptAfterSignIn(token: string): string {
  return `/login?next=${encodeURIComponent(`/invitations/accept?token=${encodeURIComponent(token)}`)}`;
}

/** Sign-up: the first user brings the setup token, later ones an invitation (unless sign-up is open). */
export function SignUpPage() {
  const [query] = useState(() => new URLSearchParams(window.location.search));
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [setupToken, setSetupToken] = useState(query.get('setup') ?? '');
  const [invitationToken, setInvitationToken] = useState(query.get('invitation') ?? '');
  const [error, setError] = useState<string | null>(null);
  const signUp = useApiMutation(SIGN_UP);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) {
      setError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
      return;
    }
    setError(null);
    const outcome = await signUp.run({
      input: {
        email: email.trim(),
        displayName: displayName.trim(),
        password,
        setupToken: setupToken.trim() || undefined,
        invitationToken: invitationToken.trim() || undefined,
      },
    });
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    const session = outcome.data.signUp;
    writeSession(sessionFrom(session));
    // An invitation made the user a member; otherwise there is no organization to act in yet.
    navigate(session.organization ? '/members' : '/organizations/new');
  }

  return (
    <section className="page narrow" aria-labelledby="page-title">
      <h2 id="page-title">Sign up</h2>
      {query.get('invitation') && (
        <p className="notice">
          Invited with an account you already have?{' '}
          <ShellLink to={acceptAfterSignIn(query.get('invitation') ?? '')}>Sign in to accept the invitation</ShellLink>.
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field
          label="E-mail"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Display name"
          autoComplete="name"
          required
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Field
          label="Setup token"
          hint="Only for the first user of a new instance: the token the platform printed at start-up."
          value={setupToken}
          onChange={(e) => setSetupToken(e.target.value)}
        />
        <Field
          label="Invitation token"
          hint="From the invitation link an organization admin sent you."
          value={invitationToken}
          onChange={(e) => setInvitationToken(e.target.value)}
        />
        <ErrorAlert error={error} />
        <button type="submit" disabled={signUp.fetching}>
          {signUp.fetching ? 'Signing up…' : 'Sign up'}
        </button>
      </form>
      <p>
        Already have an account? <ShellLink to="/login">Sign in</ShellLink>.
      </p>
    </section>
  );
}
