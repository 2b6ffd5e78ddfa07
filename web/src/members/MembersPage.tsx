import { useViewer, viewerCan } from '../auth/viewer';
import { InvitationsSection } from './InvitationsSection';
import { MembersTable } from './MembersTable';

/** The active organization's members; admins also change roles, remove members and invite. */
export function MembersPage() {
  const viewer = useViewer();
  const canManage = viewerCan(viewer, 'members:write');
  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">Members{viewer?.organization ? ` of ${viewer.organization.name}` : ''}</h2>
      <MembersTable canManage={canManage} currentUserId={viewer?.user?.id ?? null} />
      {canManage && <InvitationsSection />}
    </section>
  );
}
