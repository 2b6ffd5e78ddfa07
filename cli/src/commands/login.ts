import type { Command } from 'commander';
import type { ApiKeyCredentials } from '../credentials.js';
import { UsageError } from '../errors.js';
import { passwordFrom, valueOrAsk } from '../prompt.js';
import { AUTH_SESSION_FIELDS, signedInMessage, storeSession, type AuthSession } from './auth-session.js';
import { print, type CommandContext } from './context.js';
import { VIEWER, type Viewer } from './whoami.js';

interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
  apiKey?: string;
  org?: string;
}

const LOG_IN = `mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { ${AUTH_SESSION_FIELDS} }
}`;

/** `aitip login`: signs in with e-mail and password, or stores an API key, for the platform at --url. */
export function registerLogin(program: Command, context: CommandContext): void {
  program
    .command('login')
    .description('sign in (asks for e-mail and password), or store an API key with --api-key')
    .option('--email <email>', 'sign-in e-mail address')
    .option('--password-stdin', 'read the password from stdin')
    .option('--api-key <key>', 'store this API key instead of signing in (or set AITIP_API_KEY)')
    .option('--org <id|slug>', 'the organization to act in (default: your default organization)')
    .action(async (options: LoginOptions) => {
      const apiKey = options.apiKey ?? process.env['AITIP_API_KEY'];
      if (apiKey) {
        if (options.email || options.passwordStdin) {
          throw new UsageError('Give either --api-key (or AITIP_API_KEY) or --email and a password, not both.');
        }
        await logInWithApiKey(context, apiKey.trim(), options.org);
        return;
      }
      const email = await valueOrAsk(options.email, 'E-mail: ', '--email <email>');
      const password = await passwordFrom(options);
      const client = context.client();
      const { logIn } = await client.anonymous<{ logIn: AuthSession }>(LOG_IN, { email, password });
      print(signedInMessage(await storeSession(client, context.store, logIn, options.org)));
    });
}

// the key is checked (and its organization learned) with `viewer` before it is stored
async function logInWithApiKey(context: CommandContext, apiKey: string, org: string | undefined): Promise<void> {
  const client = context.client();
  const credentials: ApiKeyCredentials = { kind: 'apiKey', url: client.url, apiKey, organization: null };
  client.use(credentials);
  const { viewer } = await client.request<{ viewer: Viewer }>(VIEWER);
  if (viewer.kind !== 'service' || !viewer.organization) {
    throw new UsageError(
      `${client.url} did not accept this as an API key. Check the key, or create one with \`aitip keys create\`.`,
    );
  }
  if (org && org !== viewer.organization.id && org !== viewer.organization.slug) {
    throw new UsageError(
      `This API key belongs to organization ${viewer.organization.slug}; an API key always acts in its own organization.`,
    );
  }
  credentials.organization = { id: viewer.organization.id, slug: viewer.organization.slug };
  context.store.set(credentials);
  print(
    `Stored API key ${viewer.apiKey?.name ?? ''} (${viewer.apiKey?.prefix ?? ''}) for ${client.url}, ` +
      `acting in organization ${viewer.organization.slug}.`,
  );
}
