import { operation } from '../graphql/operations';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: { id: string; displayName: string } | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

const API_KEY_FIELDS = 'id name prefix scopes createdBy { id displayName } expiresAt lastUsedAt revokedAt createdAt';

export const API_KEYS = operation<{ apiKeys: ApiKey[] }>(`
  query ApiKeys {
    apiKeys { ${API_KEY_FIELDS} }
  }
`);

export const CREATE_API_KEY = operation<
  { createApiKey: { secret: string; apiKey: ApiKey } },
  { input: { name: string; scopes: string[]; expiresAt?: string } }
>(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { secret apiKey { ${API_KEY_FIELDS} } }
  }
`);

export const REVOKE_API_KEY = operation<{ revokeApiKey: ApiKey }, { id: string }>(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) { ${API_KEY_FIELDS} }
  }
`);
