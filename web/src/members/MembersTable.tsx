import { useState } from 'react';
import { useQuery } from 'urql';
import type { Role } from '../auth/viewer';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { CHANGE_MEMBER_ROLE, MEMBERS, REMOVE_MEMBER, ROLE_OPTIONS, roleLabel, type Member } from './operations';

function RemoveMemberButton({ member, onRemove }: { member: Member; onRemove: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const name = member.user.displayName;
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} aria-label={`Remove ${name}`}>
        Remove
      </button>
    );
  }
  return (
    <span className="confirm">
      Remove {name} from the organization?{' '}
      <button type="button" className="danger" onClick={() => void onRemove().finally(() => setConfirming(false))}>
        Confirm removal
      </button>{' '}
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

/** Members with their roles; with `canManage`, a role select and a remove button per member. */
export function MembersTable({ canManage, currentUserId }: { canManage: boolean; currentUserId: string | null }) {
  const [result, reexecute] = useQuery({ query: MEMBERS, requestPolicy: 'cache-and-network' });
  const changeRole = useApiMutation(CHANGE_MEMBER_ROLE);
  const removeMember = useApiMutation(REMOVE_MEMBER);
  const [actionError, setActionError] = useState<string | null>(null);

  async function onRoleChange(member: Member, role: Role) {
    setActionError(null);
    const outcome = await changeRole.run({ userId: member.user.id, role });
    if (!outcome.ok) setActionError(outcome.message);
  }

  async function onRemove(member: Member) {
    setActionError(null);
    const outcome = await removeMember.run({ userId: member.user.id });
    if (!outcome.ok) setActionError(outcome.message);
    else reexecute({ requestPolicy: 'network-only' });
  }

  if (result.error && !result.data) return <ErrorAlert error={result.error} />;
  if (!result.data) return <p className="progress">Loading members…</p>;

  return (
    <>
      <ErrorAlert error={actionError} />
      <table className="data-table" aria-label="Members">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">E-mail</th>
            <th scope="col">Role</th>
            {canManage && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {result.data.members.map((member) => (
            <tr key={member.id}>
              <th scope="row">
                {member.user.displayName}
                {member.user.id === currentUserId && ' (you)'}
              </th>
              <td>{member.user.email}</td>
              <td>
                {canManage ? (
                  <select
                    aria-label={`Role of ${member.user.displayName}`}
                    value={member.role}
                    disabled={changeRole.fetching}
                    onChange={(event) => void onRoleChange(member, event.target.value as Role)}
                  >
                    {ROLE_OPTIONS.map((role) => (
                      <option key={role} value={role}>
                        {roleLabel(role)}
                      </option>
                    ))}
                  </select>
                ) : (
                  roleLabel(member.role)
                )}
              </td>
              {canManage && (
                <td>
                  <RemoveMemberButton member={member} onRemove={() => onRemove(member)} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
