import { useEffect, useId, useMemo } from 'react';
import { useQuery } from 'urql';
import { setActiveOrganization } from '../auth/session';
import { ShellLink } from '../shell/navigation';
import { MY_ORGANIZATIONS } from './operations';

/** Header control: the organizations the user belongs to; picking one makes it the active one. */
export function OrganizationSwitcher({ activeOrgId }: { activeOrgId: string | null }) {
  const id = useId();
  // Memberships change through mutations that answer other types (acceptInvitation: Membership).
  const context = useMemo(() => ({ additionalTypenames: ['Membership', 'Organization'] }), []);
  const [result] = useQuery({ query: MY_ORGANIZATIONS, context });
  const memberships = result.data?.myOrganizations;

  // Keep the active organization one the user belongs to: the first one when none is chosen
  // yet, or when the chosen one is gone (left, removed).
  useEffect(() => {
    if (!memberships || result.fetching || result.stale) return;
    const stillMember = memberships.some((membership) => membership.organization.id === activeOrgId);
    if (!stillMember) setActiveOrganization(memberships[0]?.organization.id ?? null);
  }, [memberships, activeOrgId, result.fetching, result.stale]);

  return (
    <span className="org-switcher">
      {memberships && memberships.length > 0 && (
        <>
          <label htmlFor={id}>Organization</label>{' '}
          <select id={id} value={activeOrgId ?? ''} onChange={(event) => setActiveOrganization(event.target.value)}>
            {memberships.map(({ organization, role }) => (
              <option key={organization.id} value={organization.id}>
                {organization.name} ({role.toLowerCase()})
              </option>
            ))}
          </select>{' '}
        </>
      )}
      <ShellLink to="/organizations/new">New organization</ShellLink>
    </span>
  );
}
