import { useState } from 'react';
import { setActiveOrganization, useSession } from '../auth/session';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { navigate, ShellLink } from '../shell/navigation';
import { ACCEPT_INVITATION } from './operations';

/** /invitations/accept?token=…: a signed-in user joins the organization that invited them. */
export function AcceptInvitationPage() {
  const session = useSession();
  const [token] = useState(() => new URLSearchParams(window.location.search).get('token') ?? '');
  const [error, setError] = useState<string | null>(null);
  const accept = useApiMutation(ACCEPT_INVITATION);

  async function onAccept() {
    setError(null);
    const outcome = await accept.run({ token });
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    setActiveOrganization(outcome.data.acceptInvitation.orgId);
    navigate('/members');
  }

  const here = `${window.location.pathname}${window.location.search}`;
  return (
    <section className="page narrow" aria-labelledby="page-title">
      <h2 id="page-title">Accept invitation</h2>
      {!token ? (
        <div className="alert" role="alert">
          This link has no invitation token. Open the whole link you were sent.
        </div>
      ) : !session ? (
        <p className="notice">
          <ShellLink to={`/login?next=${encodeURIComponent(here)}`}>Sign in</ShellLink> to accept the invitation, or{' '}
          <ShellLink to={`/signup?invitation=${encodeURIComponent(token)}`}>sign up</ShellLink> with it if you have no
          account yet.
        </p>
      ) : (
        <>
          <p>
            You were invited to join an organization as <strong>{session.user.displayName}</strong>.
          </p>
          <ErrorAlert error={error} />
          <button type="button" onClick={() => void onAccept()} disabled={accept.fetching}>
            Accept invitation
          </button>
        </>
      )}
    </section>
  );
}
