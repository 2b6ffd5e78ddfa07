import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EntityManager } from 'typeorm';
import { credentialHash, ForbiddenError, type Logger } from '@aitip/kit';
import type { SetupTokenStore } from './setup-token.store.js';
import type { UserStore } from '../users/user.store.js';
import type { UsersSettings } from '../settings.js';
import { newOpaqueToken } from '../credentials.js';

/** A setup token stays valid this long; a restart prints a fresh one. */
const SETUP_TOKEN_TTL_MS = 24 * 3600 * 1000;

/** First run: while the instance has no accounts, a one-time setup token lets the first person sign up. */
export class SetupService {
  constructor(
    private readonly store: SetupTokenStore,
    private readonly users: UserStore,
    private readonly settings: UsersSettings,
    private readonly log: Logger,
  ) {}

  /** Where the current setup token is written. */
  get tokenFile(): string {
    return join(resolve(this.settings.AITIP_DATA_DIR), 'setup-token');
  }

  /** When there are no accounts yet: issues a setup token, logs it and writes it to the data directory. */
  async prepareFirstRun(): Promise<string | undefined> {
    if ((await this.users.count()) > 0) {
      // a token file left from before the first sign-up would only mislead
      rmSync(this.tokenFile, { force: true });
      return undefined;
    }
    const token = newOpaqueToken('aitips');
    await this.store.replace(credentialHash(token), new Date(Date.now() + SETUP_TOKEN_TTL_MS));
    mkdirSync(resolve(this.settings.AITIP_DATA_DIR), { recursive: true });
    writeFileSync(this.tokenFile, token + '\n', { mode: 0o600 });
    chmodSync(this.tokenFile, 0o600);
    const signupUrl = `${this.settings.PUBLIC_URL.replace(/\/+$/, '')}/signup?setup=${token}`;
    this.log.warn(
      { setupTokenFile: this.tokenFile },
      `No users yet: open ${signupUrl} or run \`aitip signup --setup-token ${token}\` to create the first account ` +
        `(the token is also in ${this.tokenFile} and works once, for 24 hours).`,
    );
    return token;
  }

  /** Uses up `token` for the first account, in the sign-up transaction; throws when it cannot be used. */
  async consume(manager: EntityManager, token: string | null | undefined): Promise<void> {
    const where = `Find the one-time setup token in the users subgraph's log or in ${this.tokenFile}; restarting the service prints a new one.`;
    if (!token) {
      throw new ForbiddenError(
        `This instance has no accounts yet, so the first sign-up needs the setup token. ${where}`,
      );
    }
    const row = await this.store.findForUpdate(manager, credentialHash(token.trim()));
    if (!row || row.usedAt) throw new ForbiddenError(`This setup token is not valid. ${where}`);
    if (row.expiresAt.getTime() <= Date.now()) throw new ForbiddenError(`This setup token has expired. ${where}`);
    await this.store.markUsed(manager, row.id);
    rmSync(this.tokenFile, { force: true });
  }
}
