import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { passwordFrom, valueOrAsk } from '../prompt.js';
import { AUTH_SESSION_FIELDS, signedInMessage, storeSession, type AuthSession } from './auth-session.js';
import { print, type CommandContext } from './context.js';

interface SignupOptions {
  setupToken?: string;
  invitation?: string;
  email?: string;
  displayName?: string;
  passwordStdin?: boolean;
}

const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${AUTH_SESSION_FIELDS} } }`;

/** `aitip signup`: creates an account (the first admin with the setup token, or an invited user) and signs in. */
export function registerSignup(program: Command, context: CommandContext): void {
  program
    .command('signup')
    .description('create an account and sign in: the first admin with --setup-token, invited users with --invitation')
    .option('--setup-token <token>', 'the one-time setup token the platform printed at first start')
    .option('--invitation <token>', 'the invitation token you were sent')
    .option('--email <email>', 'sign-in e-mail address')
    .option('--display-name <name>', 'your name as others see it')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (options: SignupOptions) => {
      if (options.setupToken && options.invitation) {
        throw new UsageError('Give either --setup-token or --invitation, not both.');
      }
      const email = await valueOrAsk(options.email, 'E-mail: ', '--email <email>');
      const displayName = await valueOrAsk(options.displayName, 'Display name: ', '--display-name <name>');
      const password = await passwordFrom(options, true);
      const input: Record<string, string> = { email, password, displayName };
      if (options.setupToken) input['setupToken'] = options.setupToken.trim();
      if (options.invitation) input['invitationToken'] = options.invitation.trim();
      const client = context.client();
      const { signUp } = await client.anonymous<{ signUp: AuthSession }>(SIGN_UP, { input });
      print(signedInMessage(await storeSession(client, context.store, signUp, undefined)));
    });
}
