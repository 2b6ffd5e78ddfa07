import { useMemo, useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import type { Role } from '../auth/viewer';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { Field } from '../shell/Field';
import { OneTimeSecret } from '../shell/OneTimeSecret';
import { INVITATIONS, INVITE_MEMBER, REVOKE_INVITATION, ROLE_OPTIONS, roleLabel } from './operations';

/** The sign-up link that carries an invitation token. */
export function invitationLink(token: string): string {
  return `${window.location.origin}/signup?invitation=${encodeURIComponent(token)}`;
}

function InviteMemberForm({
  onInvited,
  onSubmit,
}: {
  onInvited: (invitation: { id: string; email: string }, token: string) => void;
  onSubmit: () => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('MEMBER');
  const [error, setError] = useState<string | null>(null);
  const invite = useApiMutation(INVITE_MEMBER);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    onSubmit();
    const outcome = await invite.run({ input: { email: email.trim(), role } });
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    onInvited(outcome.data.inviteMember.invitation, outcome.data.inviteMember.token);
    setEmail('');
  }

  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label="Invite a member">
      <Field label="E-mail to invite" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <div className="field">
        <label htmlFor="invite-role">Role</label>
        <select id="invite-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {ROLE_OPTIONS.map((option) => (
            <option key={option} value={option}>
              {roleLabel(option)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={invite.fetching}>
        Invite
      </button>
      <ErrorAlert error={error} />
    </form>
  );
}

/** Invite form, the link of the invitation just made (shown once) and the pending invitations. */
export function InvitationsSection() {
  // An empty list records no typename, so say which mutations make it stale.
  const context = useMemo(() => ({ additionalTypenames: ['Invitation'] }), []);
  const [result] = useQuery({ query: INVITATIONS, context, requestPolicy: 'cache-and-network' });
  const revoke = useApiMutation(REVOKE_INVITATION);
  const [created, setCreated] = useState<{ id: string; email: string; token: string } | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function onRevoke(id: string) {
    setRevokeError(null);
    const outcome = await revoke.run({ id });
    if (!outcome.ok) setRevokeError(outcome.message);
    // a revoked invitation's link no longer works; stop showing it
    else setCreated((shown) => (shown?.id === id ? null : shown));
  }

  const pending = result.data?.invitations ?? [];
  return (
    <section aria-labelledby="invitations-title">
      <h3 id="invitations-title">Invitations</h3>
      <InviteMemberForm
        onSubmit={() => setCreated(null)}
        onInvited={(invitation, token) => setCreated({ id: invitation.id, email: invitation.email, token })}
      />
      {created && (
        <OneTimeSecret
          label="Invitation link"
          value={invitationLink(created.token)}
          warning={`Send this link to ${created.email}. It is shown only once and cannot be shown again.`}
          onDismiss={() => setCreated(null)}
        />
      )}
      <ErrorAlert error={result.error ?? revokeError} />
      {pending.length === 0 ? (
        <p>No pending invitations.</p>
      ) : (
        <table className="data-table" aria-label="Pending invitations">
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {pending.map((invitation) => (
              <tr key={invitation.id}>
                <th scope="row">{invitation.email}</th>
                <td>{roleLabel(invitation.role)}</td>
                <td>{new Date(invitation.expiresAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Revoke invitation for ${invitation.email}`}
                    disabled={revoke.fetching}
                    onClick={() => void onRevoke(invitation.id)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
