import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { postGraphQL } from '../harness/load.js';

/** The credentials the auth benchmark signs in with. */
export interface BenchCredentials {
  userId: string;
  orgId: string;
  accessToken: string;
  orgSlug: string;
  apiKey: string;
}

/**
 * Creates the first user (with the setup token the users subgraph wrote into its data directory),
 * an organization and an API key, all through the router's public API.
 */
export async function createBenchCredentials(routerUrl: string, usersDataDir: string): Promise<BenchCredentials> {
  const setupToken = readFileSync(join(usersDataDir, 'setup-token'), 'utf8').trim();
  const signUp = await call<{ signUp: { accessToken: string; user: { id: string } } }>(
    routerUrl,
    `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`,
    {
      input: { email: 'bench@example.com', password: 'bench-password-1234', displayName: 'Bench', setupToken },
    },
  );
  const accessToken = signUp.signUp.accessToken;
  const bearer = { authorization: `Bearer ${accessToken}` };
  const orgSlug = 'bench';
  const organization = await call<{ createOrganization: { id: string } }>(
    routerUrl,
    'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
    { input: { name: 'Bench Organization', slug: orgSlug } },
    bearer,
  );
  const created = await call<{ createApiKey: { secret: string } }>(
    routerUrl,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { name: 'bench', scopes: ['datasets:read'] } },
    { ...bearer, 'x-aitip-org': orgSlug },
  );
  return {
    userId: signUp.signUp.user.id,
    orgId: organization.createOrganization.id,
    accessToken,
    orgSlug,
    apiKey: created.createApiKey.secret,
  };
}

async function call<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<T> {
  const { status, text } = await postGraphQL(url, JSON.stringify({ query, variables }), headers);
  const body = JSON.parse(text) as { data?: T; errors?: Array<{ message: string }> };
  if (status !== 200 || !body.data || body.errors?.length) {
    throw new Error(`Setting up the benchmark's user failed (HTTP ${status}): ${text.slice(0, 500)}`);
  }
  return body.data;
}
