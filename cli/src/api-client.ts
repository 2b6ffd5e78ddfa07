import type { CredentialsStore, PlatformCredentials, SessionCredentials } from './credentials.js';
import { ApiError, NotSignedInError, UnreachableError, unreachableError } from './errors.js';

/** How the router answers a GraphQL request. */
interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }>;
}

/** The tokens refreshSession returns. */
interface RefreshedSession {
  refreshSession: { accessToken: string; accessTokenExpiresAt: string; refreshToken: string };
}

// renew a little early so a token does not expire between the check and the router's verification
const REFRESH_MARGIN_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

const REFRESH_SESSION = `mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken accessTokenExpiresAt refreshToken }
}`;

/**
 * Talks GraphQL to one AITIP router with the stored credentials: sends the bearer token and the
 * active organization, renews an expiring access token with refreshSession and persists the rotated pair.
 */
export class ApiClient {
  private credentials: PlatformCredentials | null;

  constructor(
    readonly url: string,
    private readonly store: CredentialsStore,
  ) {
    this.credentials = store.get(url);
  }

  /** The stored credentials; throws NotSignedInError when there are none. */
  signedIn(): PlatformCredentials {
    if (!this.credentials) throw new NotSignedInError(this.url);
    return this.credentials;
  }

  /** Uses `credentials` (not yet stored) for the next requests, e.g. right after logIn. */
  use(credentials: PlatformCredentials): void {
    this.credentials = credentials;
  }

  /** Runs an operation without credentials (logIn, signUp, logOut). */
  async anonymous<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return this.post<T>(query, variables, {});
  }

  /**
   * Runs an operation as the signed-in principal, renewing the session once when its access token
   * has expired. `timeoutMs` replaces the usual 30 s for operations that may take longer.
   */
  async request<T>(query: string, variables: Record<string, unknown> = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    let credentials = this.signedIn();
    if (credentials.kind === 'session' && expiresSoon(credentials)) credentials = await this.refresh(credentials);
    try {
      return await this.post<T>(query, variables, headersFor(credentials), timeoutMs);
    } catch (err) {
      if (credentials.kind !== 'session' || !(err instanceof ApiError) || err.reason !== 'TOKEN_EXPIRED') throw err;
      credentials = await this.refresh(credentials);
      return this.post<T>(query, variables, headersFor(credentials), timeoutMs);
    }
  }

  /** Renews the session and stores the rotated tokens; another CLI process may have done it already. */
  private async refresh(stale: SessionCredentials): Promise<SessionCredentials> {
    return this.store.withLock(async () => {
      const stored = this.store.get(this.url);
      if (
        stored?.kind === 'session' &&
        stored.refreshToken !== stale.refreshToken &&
        stored.email === stale.email &&
        !expiresSoon(stored)
      ) {
        this.credentials = { ...stored, organization: stale.organization };
        return this.credentials;
      }
      const current = stored?.kind === 'session' && stored.email === stale.email ? stored : stale;
      let renewed: RefreshedSession;
      try {
        renewed = await this.anonymous<RefreshedSession>(REFRESH_SESSION, { refreshToken: current.refreshToken });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') {
          throw new ApiError(
            `Your session at ${this.url} has ended: ${err.message} Run \`aitip login\` to sign in again.`,
            err.code,
            err.reason,
          );
        }
        throw err;
      }
      const { accessToken, accessTokenExpiresAt, refreshToken } = renewed.refreshSession;
      const next: SessionCredentials = { ...current, accessToken, accessTokenExpiresAt, refreshToken };
      this.store.set(next);
      this.credentials = { ...next, organization: stale.organization };
      return this.credentials;
    });
  }

  // POST with a JSON body only: the router refuses other shapes (CSRF protection)
  private async post<T>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<T> {
    const endpoint = new URL('/graphql', this.url);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw unreachableError(this.url, err);
    }
    const body = (await response.json().catch(() => undefined)) as GraphQLResponse<T> | undefined;
    if (!body || typeof body !== 'object' || (!('data' in body) && !('errors' in body))) {
      throw new UnreachableError(`${endpoint} did not answer like an AITIP router (HTTP ${response.status}).`);
    }
    const [first] = body.errors ?? [];
    if (first) throw new ApiError(first.message, first.extensions?.code, first.extensions?.reason);
    if (!body.data)
      throw new ApiError(`${endpoint} answered HTTP ${response.status} without data.`, undefined, undefined);
    return body.data;
  }
}

function expiresSoon(session: SessionCredentials): boolean {
  const expiresAt = Date.parse(session.accessTokenExpiresAt);
  return Number.isNaN(expiresAt) || expiresAt - Date.now() < REFRESH_MARGIN_MS;
}

function headersFor(credentials: PlatformCredentials): Record<string, string> {
  const token = credentials.kind === 'session' ? credentials.accessToken : credentials.apiKey;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (credentials.organization) headers['x-aitip-org'] = credentials.organization.id;
  return headers;
}
