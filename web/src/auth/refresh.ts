import { postGraphQL } from '../graphql/post';
import { LOG_OUT_SOURCE, REFRESH_SESSION_SOURCE, sessionFrom, type AuthSessionAnswer } from './auth-session';
import { clearSession, readSession, writeSession, type StoredSession } from './session';

// Refresh tokens rotate: two tabs presenting the same one would revoke the whole session,
// so refreshes run one at a time across tabs (Web Locks) and within this tab (one promise).
const REFRESH_LOCK = 'aitip.session.refresh';
let refreshInFlight: Promise<StoredSession | null> | null = null;

async function rotate(stale: StoredSession): Promise<StoredSession | null> {
  const current = readSession();
  if (!current) return null;
  // Someone (another tab, an earlier call) rotated the pair while we waited for the lock.
  if (current.refreshToken !== stale.refreshToken) return current;
  let answer;
  try {
    answer = await postGraphQL<{ refreshSession: AuthSessionAnswer }>(REFRESH_SESSION_SOURCE, {
      refreshToken: current.refreshToken,
    });
  } catch {
    return current; // offline: keep the session, the request fails on its own
  }
  if (answer.data?.refreshSession) {
    const next = sessionFrom(answer.data.refreshSession, current.activeOrgId);
    writeSession(next);
    return next;
  }
  if (answer.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
    clearSession(); // the refresh token expired or its session was revoked: sign in again
    return null;
  }
  return current;
}

/** Trades the refresh token for a new pair; null when the session is over (signed out). */
export function refreshAccessToken(stale: StoredSession): Promise<StoredSession | null> {
  if (refreshInFlight) return refreshInFlight;
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const work = async () => (locks ? await locks.request(REFRESH_LOCK, () => rotate(stale)) : rotate(stale));
  const inFlight = work().finally(() => {
    refreshInFlight = null;
  });
  refreshInFlight = inFlight;
  return inFlight;
}

/** Ends the session on the server (revoking its refresh tokens) and forgets it here. */
export async function logOut(): Promise<void> {
  const session = readSession();
  try {
    if (session) await postGraphQL(LOG_OUT_SOURCE, { refreshToken: session.refreshToken });
  } finally {
    // Signed out here even when the server could not be told; its tokens then simply expire.
    clearSession();
  }
}
