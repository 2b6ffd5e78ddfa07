import { useEffect } from 'react';
import { StatusPage } from '../status/StatusPage';
import { NotFoundPage } from './NotFoundPage';
import { PlannedDomainPage } from './PlannedDomainPage';
import { PLANNED_DOMAIN_PAGES, PLAYGROUND_PATH, STATUS_PATH } from './domains';
import { ShellLink, usePathname } from './navigation';

function normalizePath(pathname: string): string {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed === '' ? STATUS_PATH : trimmed;
}

/** The shell: header, domain navigation and the page for the current path. */
export function App() {
  const path = normalizePath(usePathname());
  const plannedDomain = PLANNED_DOMAIN_PAGES.find((domain) => domain.path === path);
  const pageTitle = path === STATUS_PATH ? 'Status' : (plannedDomain?.title ?? 'Page not found');

  useEffect(() => {
    document.title = `${pageTitle} · AITIP`;
  }, [pageTitle]);

  return (
    <div className="shell">
      <header className="shell-header">
        <h1>
          <ShellLink to={STATUS_PATH}>AITIP</ShellLink>
        </h1>
        <span className="shell-tagline">AI Training &amp; Inference Platform</span>
      </header>
      <nav className="shell-nav" aria-label="Domains">
        <ul>
          <li>
            <ShellLink to={STATUS_PATH} active={path === STATUS_PATH}>
              Status
            </ShellLink>
          </li>
          {PLANNED_DOMAIN_PAGES.map((domain) => (
            <li key={domain.path}>
              <ShellLink to={domain.path} active={domain.path === path}>
                {domain.title}
              </ShellLink>
            </li>
          ))}
          <li>
            <a href={PLAYGROUND_PATH}>Playground</a>
          </li>
        </ul>
      </nav>
      <main className="shell-main">
        {path === STATUS_PATH ? (
          <StatusPage />
        ) : plannedDomain ? (
          <PlannedDomainPage domain={plannedDomain} />
        ) : (
          <NotFoundPage pathname={path} />
        )}
      </main>
    </div>
  );
}
