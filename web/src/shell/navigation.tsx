import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// pushState fires no event of its own; the shell announces its navigations with this one.
const NAVIGATED_EVENT = 'aitip:navigated';

function subscribeToPathname(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED_EVENT, onChange);
  };
}

/** The current URL path, re-rendering on back/forward and on shell navigations. */
export function usePathname(): string {
  return useSyncExternalStore(subscribeToPathname, () => window.location.pathname);
}

/** Moves to another shell page without reloading the document. */
export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED_EVENT));
}

type ShellLinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  to: string;
  active?: boolean;
};

/** A link to a shell page; modified clicks (new tab, download) keep the browser's behaviour. */
export function ShellLink({ to, active = false, onClick, ...anchorProps }: ShellLinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || modified || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  }
  return <a {...anchorProps} href={to} aria-current={active ? 'page' : undefined} onClick={handleClick} />;
}
