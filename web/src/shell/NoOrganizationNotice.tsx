import { ShellLink } from './navigation';

/** Shown instead of an organization page while the user belongs to no organization. */
export function NoOrganizationNotice({ title }: { title: string }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">{title}</h2>
      <p className="notice">
        <strong>You are not a member of any organization yet.</strong>{' '}
        <ShellLink to="/organizations/new">Create an organization</ShellLink>, or open the invitation link an
        organization admin sent you.
      </p>
    </section>
  );
}
