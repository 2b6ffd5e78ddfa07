import type { ApiClient } from '../api-client.js';
import type { CredentialsStore, SessionCredentials } from '../credentials.js';
import { findOrganization } from './organizations.js';

/** The fields of an AuthSession the CLI keeps. */
export const AUTH_SESSION_FIELDS = `accessToken accessTokenExpiresAt refreshToken
  user { email displayName } organization { id slug name }`;

/** What logIn and signUp answer. */
export interface AuthSession {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: { email: string; displayName: string };
  organization: { id: string; slug: string; name: string } | null;
}

/**
 * Stores a new session for the client's platform, acting in `org` (id or slug) when given, else in the
 * session's default organization. Returns what was stored.
 */
export async function storeSession(
  client: ApiClient,
  store: CredentialsStore,
  session: AuthSession,
  org: string | undefined,
): Promise<SessionCredentials> {
  const credentials: SessionCredentials = {
    kind: 'session',
    url: client.url,
    email: session.user.email,
    accessToken: session.accessToken,
    accessTokenExpiresAt: session.accessTokenExpiresAt,
    refreshToken: session.refreshToken,
    organization: session.organization ? { id: session.organization.id, slug: session.organization.slug } : null,
  };
  client.use(credentials);
  if (org) credentials.organization = await findOrganization(client, org);
  store.set(credentials);
  return credentials;
}

/** The line that confirms a sign-in. */
export function signedInMessage(credentials: SessionCredentials): string {
  const org = credentials.organization
    ? `, acting in organization ${credentials.organization.slug}`
    : '. No organization yet: create one with `aitip orgs create <name>`';
  return `Signed in to ${credentials.url} as ${credentials.email}${org}.`;
}
