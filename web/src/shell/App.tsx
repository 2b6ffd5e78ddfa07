import { useEffect, useMemo, useRef } from 'react';
import { Provider as GraphQLProvider } from 'urql';
import { useSession, type StoredSession } from '../auth/session';
import { SignInPrompt } from '../auth/SignInPrompt';
import { UserMenu } from '../auth/UserMenu';
import { OrganizationSwitcher } from '../organizations/OrganizationSwitcher';
import { PLANNED_DOMAIN_PAGES, PLAYGROUND_PATH, STATUS_PATH } from './domains';
import { createShellGraphQLClient } from './graphql-client';
import { ShellLink, usePathname } from './navigation';
import { NoOrganizationNotice } from './NoOrganizationNotice';
import { ORGANIZATION_PAGES, routeFor, type ShellRoute } from './routes';
import { createSubscriptionClient, SubscriptionClientContext } from './subscription-client';

function normalizePath(pathname: string): string {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed === '' ? STATUS_PATH : trimmed;
}

function Page({ route, session }: { route: ShellRoute; session: StoredSession | null }) {
  if (route.access !== 'public' && !session) return <SignInPrompt title={route.title} />;
  if (route.access === 'organization' && !session?.activeOrgId) return <NoOrganizationNotice title={route.title} />;
  return <>{route.render()}</>;
}

/** The shell: header, navigation and the page for the current path. */
export function App() {
  const session = useSession();
  const path = normalizePath(usePathname());
  const route = routeFor(path);

  // The cache does not know which user or organization an answer was for: start a fresh one
  // whenever either changes (a token refresh keeps both, and the cache).
  const clientKey = session ? `${session.user.id}/${session.activeOrgId ?? ''}` : 'signed-out';
  // The WebSocket too: its connection authenticated as one user in one organization.
  const webSocketClient = useMemo(() => createSubscriptionClient(), [clientKey]);
  const client = useMemo(() => createShellGraphQLClient(webSocketClient), [webSocketClient]);
  const previousWebSocketClient = useRef(webSocketClient);
  useEffect(() => {
    // Closes the old socket now rather than when its last subscription happens to end.
    if (previousWebSocketClient.current !== webSocketClient) void previousWebSocketClient.current.dispose();
    previousWebSocketClient.current = webSocketClient;
  }, [webSocketClient]);

  useEffect(() => {
    document.title = `${route.title} · AITIP`;
  }, [route.title]);

  return (
    <GraphQLProvider value={client}>
      <SubscriptionClientContext.Provider value={webSocketClient}>
        {/* Keyed too: pages start afresh in another organization instead of showing stale answers. */}
        <div className="shell" key={clientKey}>
          <header className="shell-header">
            <h1>
              <ShellLink to={STATUS_PATH}>AITIP</ShellLink>
            </h1>
            <span className="shell-tagline">AI Training &amp; Inference Platform</span>
            <span className="shell-header-end">
              {session && <OrganizationSwitcher activeOrgId={session.activeOrgId} />}
              <UserMenu session={session} />
            </span>
          </header>
          <aside className="shell-sidebar">
            <nav className="shell-nav" aria-label="Domains">
              <ul>
                <li>
                  <ShellLink to={STATUS_PATH} active={path === STATUS_PATH}>
                    Status
                  </ShellLink>
                </li>
                {PLANNED_DOMAIN_PAGES.map((domain) => (
                  <li key={domain.path}>
                    <ShellLink to={domain.path} active={path === domain.path || path.startsWith(`${domain.path}/`)}>
                      {domain.title}
                    </ShellLink>
                  </li>
                ))}
                <li>
                  <a href={PLAYGROUND_PATH}>Playground</a>
                </li>
              </ul>
            </nav>
            <nav className="shell-nav" aria-label="Organization">
              <ul>
                {ORGANIZATION_PAGES.map((page) => (
                  <li key={page.path}>
                    <ShellLink to={page.path} active={page.path === path}>
                      {page.title}
                    </ShellLink>
                  </li>
                ))}
              </ul>
            </nav>
          </aside>
          <main className="shell-main">
            <Page route={route} session={session} />
          </main>
        </div>
      </SubscriptionClientContext.Provider>
    </GraphQLProvider>
  );
}
