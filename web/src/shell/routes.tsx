import type { ReactNode } from 'react';
import { ActivityPage } from '../activity/ActivityPage';
import { ApiKeysPage } from '../api-keys/ApiKeysPage';
import { AuditPage } from '../audit/AuditPage';
import { LogInPage } from '../auth/LogInPage';
import { SignUpPage } from '../auth/SignUpPage';
import { datasetsRouteFor } from '../datasets/routes';
import { experimentsRouteFor } from '../experiments/routes';
import { AcceptInvitationPage } from '../members/AcceptInvitationPage';
import { MembersPage } from '../members/MembersPage';
import { NewOrganizationPage } from '../organizations/NewOrganizationPage';
import { StatusPage } from '../status/StatusPage';
import { trainingRouteFor } from '../training/routes';
import { PLANNED_DOMAIN_PAGES, STATUS_PATH } from './domains';
import { NotFoundPage } from './NotFoundPage';
import { PlannedDomainPage } from './PlannedDomainPage';

/** Who may see a page: anyone, a signed-in user, or a signed-in user acting in an organization. */
export type PageAccess = 'public' | 'signed-in' | 'organization';

export interface ShellRoute {
  title: string;
  access: PageAccess;
  render: () => ReactNode;
}

/** Organization pages in navigation order. */
export const ORGANIZATION_PAGES = [
  { path: '/activity', title: 'Activity' },
  { path: '/members', title: 'Members' },
  { path: '/api-keys', title: 'API keys' },
  { path: '/audit', title: 'Audit log' },
] as const;

const ROUTES: Record<string, ShellRoute> = {
  [STATUS_PATH]: { title: 'Status', access: 'public', render: () => <StatusPage /> },
  '/signup': { title: 'Sign up', access: 'public', render: () => <SignUpPage /> },
  '/login': { title: 'Sign in', access: 'public', render: () => <LogInPage /> },
  // Signed out, the page itself says how to sign in or up with the token.
  '/invitations/accept': { title: 'Accept invitation', access: 'public', render: () => <AcceptInvitationPage /> },
  '/organizations/new': { title: 'New organization', access: 'signed-in', render: () => <NewOrganizationPage /> },
  '/activity': { title: 'Activity', access: 'organization', render: () => <ActivityPage /> },
  '/members': { title: 'Members', access: 'organization', render: () => <MembersPage /> },
  '/api-keys': { title: 'API keys', access: 'organization', render: () => <ApiKeysPage /> },
  '/audit': { title: 'Audit log', access: 'organization', render: () => <AuditPage /> },
};

/** The page for a path (already normalized: no trailing slash, `/` as the status path). */
export function routeFor(path: string): ShellRoute {
  const route = ROUTES[path];
  if (route) return route;
  // Domains already built route their own paths; the rest of PLANNED_DOMAIN_PAGES are placeholders.
  const datasetsRoute = datasetsRouteFor(path);
  if (datasetsRoute) return datasetsRoute;
  const experimentsRoute = experimentsRouteFor(path);
  if (experimentsRoute) return experimentsRoute;
  const trainingRoute = trainingRouteFor(path);
  if (trainingRoute) return trainingRoute;
  const domain = PLANNED_DOMAIN_PAGES.find((page) => page.path === path);
  if (domain) return { title: domain.title, access: 'signed-in', render: () => <PlannedDomainPage domain={domain} /> };
  return { title: 'Page not found', access: 'public', render: () => <NotFoundPage pathname={path} /> };
}
