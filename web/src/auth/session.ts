import { useSyncExternalStore } from 'react';

/** localStorage key of the signed-in session; shared by the shell and the playground. */
export const SESSION_STORAGE_KEY = 'aitip.session';

/** What the browser keeps after sign-up or log-in. */
export interface StoredSession {
  accessToken: string;
  /** ISO date-time at which the access token stops being accepted. */
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: { id: string; email: string; displayName: string };
  /** The organization every request acts in (`x-aitip-org`); null until the user has one. */
  activeOrgId: string | null;
}

const listeners = new Set<() => void>();
let cachedRaw: string | null | undefined;
let cachedSession: StoredSession | null = null;

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const session = value as Record<string, unknown>;
  const user = session.user as Record<string, unknown> | undefined;
  return (
    typeof session.accessToken === 'string' &&
    typeof session.accessTokenExpiresAt === 'string' &&
    typeof session.refreshToken === 'string' &&
    typeof user?.id === 'string' &&
    typeof user.displayName === 'string'
  );
}

/** The stored session, or null when signed out (or when what is stored is not a session). */
export function readSession(): StoredSession | null {
  const raw = window.localStorage.getItem(SESSION_STORAGE_KEY);
  // useSyncExternalStore needs the same object back while nothing changed.
  if (raw === cachedRaw) return cachedSession;
  cachedRaw = raw;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    cachedSession = isStoredSession(parsed) ? { ...parsed, activeOrgId: parsed.activeOrgId ?? null } : null;
  } catch {
    cachedSession = null;
  }
  return cachedSession;
}

function notify(): void {
  for (const listener of listeners) listener();
}

/** Stores a session (after sign-up, log-in, refresh or an organization switch). */
export function writeSession(session: StoredSession): void {
  window.localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  notify();
}

/** Forgets the session: the browser is signed out. */
export function clearSession(): void {
  window.localStorage.removeItem(SESSION_STORAGE_KEY);
  notify();
}

/** Makes `orgId` the organization that following requests act in. */
export function setActiveOrganization(orgId: string | null): void {
  const session = readSession();
  if (session && session.activeOrgId !== orgId) writeSession({ ...session, activeOrgId: orgId });
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  // Another tab signing in or out changes this tab's session too.
  const onStorage = (event: StorageEvent) => {
    if (event.key === SESSION_STORAGE_KEY || event.key === null) onChange();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('storage', onStorage);
  };
}

/** The current session, re-rendering when it changes (here or in another tab). */
export function useSession(): StoredSession | null {
  return useSyncExternalStore(subscribe, readSession);
}
