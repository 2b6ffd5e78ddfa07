import { refreshAccessToken } from './refresh';
import { readSession, setActiveOrganization, type StoredSession } from './session';

/** Header naming the organization a request acts in (id or slug). */
export const ORGANIZATION_HEADER = 'x-aitip-org';

// Refresh this long before the access token expires, so no request goes out with a dying one.
const REFRESH_MARGIN_MS = 60_000;

/** The headers that carry a session: Authorization and x-aitip-org. */
export function sessionHeaders(session: StoredSession | null): Record<string, string> {
  if (!session) return {};
  const headers: Record<string, string> = { authorization: `Bearer ${session.accessToken}` };
  if (session.activeOrgId) headers[ORGANIZATION_HEADER] = session.activeOrgId;
  return headers;
}

/**
 * The headers of the stored session, refreshing its access token first when it is about to
 * expire: what a new subscription connection presents in `connection_init`.
 */
export async function freshSessionHeaders(): Promise<Record<string, string>> {
  let session = readSession();
  if (session && Date.parse(session.accessTokenExpiresAt) - Date.now() < REFRESH_MARGIN_MS) {
    session = await refreshAccessToken(session);
  }
  return sessionHeaders(session);
}

function withSession(init: RequestInit, session: StoredSession | null): RequestInit {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(sessionHeaders(session))) {
    if (!headers.has(name)) headers.set(name, value);
  }
  return { ...init, headers };
}

type ErrorExtensions = { code?: unknown; reason?: unknown };

async function errorsOf(response: Response): Promise<ErrorExtensions[]> {
  if (!/json/.test(response.headers.get('content-type') ?? '')) return [];
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { errors?: { extensions?: ErrorExtensions }[] } | null;
  return body?.errors?.map((error) => error.extensions ?? {}) ?? [];
}

async function saysTokenExpired(response: Response): Promise<boolean> {
  return (await errorsOf(response)).some(
    (error) => error.code === 'UNAUTHENTICATED' && error.reason === 'TOKEN_EXPIRED',
  );
}

// The router answers 403 for a whole request whose x-aitip-org names an organization the user
// no longer belongs to (removed, left in another tab).
async function saysNotAMember(response: Response): Promise<boolean> {
  return response.status === 403 && (await errorsOf(response)).some((error) => error.code === 'FORBIDDEN');
}

/**
 * fetch for GraphQL requests: adds the stored session's Authorization and x-aitip-org headers,
 * refreshes the access token shortly before it expires, and retries once when the API answers
 * UNAUTHENTICATED/TOKEN_EXPIRED (after a refresh) or 403 for a stale active organization
 * (without it). A request that brings its own Authorization (an API key typed
 * into the playground) is sent as it is.
 */
export async function authorizedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  if (new Headers(init.headers).has('authorization')) return fetch(input, init);
  let session = readSession();
  if (session && Date.parse(session.accessTokenExpiresAt) - Date.now() < REFRESH_MARGIN_MS) {
    session = await refreshAccessToken(session);
  }
  const response = await fetch(input, withSession(init, session));
  if (!session) return response;
  if (await saysTokenExpired(response)) {
    const refreshed = await refreshAccessToken(session);
    if (!refreshed || refreshed.accessToken === session.accessToken) return response;
    return fetch(input, withSession(init, refreshed));
  }
  if (session.activeOrgId && !new Headers(init.headers).has(ORGANIZATION_HEADER) && (await saysNotAMember(response))) {
    // Forget the stale choice; the organization switcher then picks one the user belongs to.
    setActiveOrganization(null);
    return fetch(input, withSession(init, readSession()));
  }
  return response;
}
