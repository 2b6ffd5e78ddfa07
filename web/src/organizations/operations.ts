import type { Role } from '../auth/viewer';
import { operation } from '../graphql/operations';

/** An organization as the pages show it. */
export interface Organization {
  id: string;
  slug: string;
  name: string;
}

export const MY_ORGANIZATIONS = operation<{ myOrganizations: { role: Role; organization: Organization }[] }>(`
  query MyOrganizations {
    myOrganizations {
      role
      organization { id slug name }
    }
  }
`);

export const CREATE_ORGANIZATION = operation<
  { createOrganization: Organization },
  { input: { name: string; slug?: string } }
>(`
  mutation CreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) { id slug name }
  }
`);
