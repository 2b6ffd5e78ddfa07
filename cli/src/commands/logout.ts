import type { Command } from 'commander';
import { ApiError, UnreachableError } from '../errors.js';
import { print, type CommandContext } from './context.js';

const LOG_OUT = `mutation LogOut($refreshToken: String!) { logOut(refreshToken: $refreshToken) }`;

/** `aitip logout`: ends the session on the platform and deletes the stored credentials for it. */
export function registerLogout(program: Command, context: CommandContext): void {
  program
    .command('logout')
    .description('end the session and delete the stored credentials for this platform')
    .action(async () => {
      const url = context.url();
      const credentials = context.store.get(url);
      if (!credentials) return print(`Not signed in to ${url}; nothing to do.`);
      if (credentials.kind === 'session') {
        try {
          await context.client().anonymous<{ logOut: boolean }>(LOG_OUT, { refreshToken: credentials.refreshToken });
        } catch (err) {
          if (!(err instanceof UnreachableError || err instanceof ApiError)) throw err;
          process.stderr.write(
            `aitip: could not end the session on the server (${err.message}); deleting the stored credentials anyway.\n`,
          );
        }
      }
      context.store.delete(url);
      print(
        credentials.kind === 'session'
          ? `Signed out of ${url}.`
          : `Deleted the stored API key for ${url}. The key itself still works until you revoke it with \`aitip keys revoke\`.`,
      );
    });
}
