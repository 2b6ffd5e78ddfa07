import type { ApiClient } from '../api-client.js';
import type { ActiveOrganization } from '../credentials.js';
import { UsageError } from '../errors.js';

/** One of the caller's organizations, as myOrganizations lists it. */
export interface OrganizationMembership {
  organization: { id: string; slug: string; name: string };
  role: string;
}

export const MY_ORGANIZATIONS = `query MyOrganizations { myOrganizations { organization { id slug name } role } }`;

/** The caller's organizations. */
export async function myOrganizations(client: ApiClient): Promise<OrganizationMembership[]> {
  return (await client.request<{ myOrganizations: OrganizationMembership[] }>(MY_ORGANIZATIONS)).myOrganizations;
}

/** The caller's organization named by id or slug; a UsageError listing the others when there is none. */
export async function findOrganization(client: ApiClient, idOrSlug: string): Promise<ActiveOrganization> {
  const memberships = await myOrganizations(client);
  const match = memberships.find((m) => m.organization.id === idOrSlug || m.organization.slug === idOrSlug);
  if (!match) {
    const known = memberships.map((m) => m.organization.slug).join(', ');
    throw new UsageError(
      `You are not a member of an organization "${idOrSlug}" at ${client.url}. ` +
        (known ? `Your organizations: ${known}.` : 'Create one with `aitip orgs create <name>`.'),
    );
  }
  return { id: match.organization.id, slug: match.organization.slug };
}
