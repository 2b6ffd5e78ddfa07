import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { UsageError } from '../errors.js';
import { isId } from '../ids.js';
import { formatTable } from '../table.js';
import { print, printJson, type CommandContext } from './context.js';

/** An API key as apiKeys lists it (never its secret). */
interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: { email: string } | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

const API_KEY_FIELDS = 'id name prefix scopes createdBy { email } expiresAt lastUsedAt revokedAt createdAt';
const API_KEYS = `query ApiKeys { apiKeys { ${API_KEY_FIELDS} } }`;
const CREATE_API_KEY = `mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { ${API_KEY_FIELDS} } secret }
}`;
const REVOKE_API_KEY = `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ${API_KEY_FIELDS} } }`;

const DURATION = /^(\d+)([dh])$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}($|T)/;

/** `aitip keys`: create, list and revoke the active organization's API keys. */
export function registerKeys(program: Command, context: CommandContext): void {
  const keys = program.command('keys').description("manage the active organization's API keys");

  keys
    .command('create')
    .description('create an API key; its secret is shown only this once')
    .requiredOption('--name <name>', 'what the key is for, e.g. "ci"')
    .requiredOption('--scope <scope>', 'a scope the key carries, e.g. datasets:read (repeat for more)', collect, [])
    .option('--expires <when>', 'expiry: an ISO date (2026-01-31) or a duration (30d, 12h)')
    .option('--json', 'print the key and its secret as JSON')
    .action(async (options: { name: string; scope: string[]; expires?: string; json?: boolean }) => {
      const input: Record<string, unknown> = { name: options.name, scopes: options.scope };
      if (options.expires) input['expiresAt'] = parseExpiry(options.expires).toISOString();
      const { createApiKey } = await context
        .client()
        .request<{ createApiKey: { apiKey: ApiKey; secret: string } }>(CREATE_API_KEY, { input });
      if (options.json) return printJson(createApiKey);
      const { apiKey, secret } = createApiKey;
      // the secret alone on stdout, so `KEY=$(aitip keys create …)` works; the rest on stderr
      process.stderr.write(
        `Created API key ${apiKey.name} (${apiKey.prefix}) with scopes ${apiKey.scopes.join(', ')}` +
          `${apiKey.expiresAt ? `, expiring ${apiKey.expiresAt}` : ', never expiring'}.\n` +
          'Copy the key now: it is shown only this once. Use it with `aitip login --api-key <key>` ' +
          'or send it as `Authorization: Bearer <key>`.\n',
      );
      print(secret);
    });

  keys
    .command('list')
    .description("list the active organization's API keys")
    .option('--json', 'print the keys as JSON')
    .action(async (options: { json?: boolean }) => {
      const apiKeys = await listKeys(context.client());
      if (options.json) return printJson(apiKeys);
      if (apiKeys.length === 0) return print('No API keys yet. Create one with `aitip keys create`.');
      print(
        formatTable([
          ['PREFIX', 'NAME', 'STATE', 'SCOPES', 'EXPIRES', 'LAST USED', 'CREATED BY', 'ID'],
          ...apiKeys.map((key) => [
            key.prefix,
            key.name,
            keyState(key),
            key.scopes.join(','),
            key.expiresAt ?? 'never',
            key.lastUsedAt ?? 'never',
            key.createdBy?.email ?? '',
            key.id,
          ]),
        ]),
      );
    });

  keys
    .command('revoke')
    .description('revoke an API key at once')
    .argument('<id|prefix>', "the key's id or prefix (as `aitip keys list` shows them)")
    .action(async (idOrPrefix: string) => {
      const client = context.client();
      const id = isId(idOrPrefix) ? idOrPrefix : await idForPrefix(client, idOrPrefix);
      const { revokeApiKey } = await client.request<{ revokeApiKey: ApiKey }>(REVOKE_API_KEY, { id });
      print(`Revoked API key ${revokeApiKey.name} (${revokeApiKey.prefix}). Requests with it are refused from now on.`);
    });
}

async function listKeys(client: ApiClient): Promise<ApiKey[]> {
  return (await client.request<{ apiKeys: ApiKey[] }>(API_KEYS)).apiKeys;
}

// a prefix (with or without "aitip_"), a shorter start of one, or the whole key aitip_<prefix>_<secret>
async function idForPrefix(client: ApiClient, given: string): Promise<string> {
  const wanted = given.replace(/^aitip_/, '');
  const candidates = (await listKeys(client)).filter(
    (key) =>
      !key.revokedAt && wanted.length > 0 && (key.prefix.startsWith(wanted) || wanted.startsWith(`${key.prefix}_`)),
  );
  if (candidates.length === 1) return candidates[0]!.id;
  if (candidates.length === 0) {
    throw new UsageError(`No active API key with the id or prefix "${given}". See them with \`aitip keys list\`.`);
  }
  throw new UsageError(
    `"${given}" matches ${candidates.length} API keys (${candidates.map((k) => k.prefix).join(', ')}): give more of the prefix, or the id.`,
  );
}

function keyState(key: ApiKey): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean),
  ];
}

/** An expiry from an ISO date or a duration like 30d / 12h; a UsageError when it is neither or in the past. */
export function parseExpiry(value: string, now = new Date()): Date {
  const duration = DURATION.exec(value);
  const date = duration
    ? new Date(now.getTime() + Number(duration[1]) * (duration[2] === 'd' ? 86_400_000 : 3_600_000))
    : ISO_DATE.test(value)
      ? new Date(value)
      : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--expires ${value} is neither an ISO date (2026-01-31) nor a duration (30d, 12h).`);
  }
  if (date.getTime() <= now.getTime()) throw new UsageError(`--expires ${value} is in the past: give a later date.`);
  return date;
}
