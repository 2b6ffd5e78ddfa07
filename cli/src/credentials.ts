import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The organization the CLI acts in, as the `x-aitip-org` header names it. */
export interface ActiveOrganization {
  id: string;
  slug: string;
}

/** A signed-in user's session: a short-lived access token and the refresh token that renews it. */
export interface SessionCredentials {
  kind: 'session';
  url: string;
  email: string;
  accessToken: string;
  /** ISO date-time. */
  accessTokenExpiresAt: string;
  refreshToken: string;
  organization: ActiveOrganization | null;
}

/** An API key stored in place of a session (CI, scripts). */
export interface ApiKeyCredentials {
  kind: 'apiKey';
  url: string;
  apiKey: string;
  organization: ActiveOrganization | null;
}

export type PlatformCredentials = SessionCredentials | ApiKeyCredentials;

/** The credentials file: one entry per platform URL, so one machine can use several platforms. */
interface CredentialsFile {
  version: 1;
  platforms: Record<string, PlatformCredentials>;
}

const LOCK_WAIT_MS = 15_000;
// a lock older than any refresh round trip was left by a killed process
const STALE_LOCK_MS = 60_000;

function lockAgeMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The folder that holds credentials.json: AITIP_CONFIG_DIR, else $XDG_CONFIG_HOME/aitip, else ~/.config/aitip. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['AITIP_CONFIG_DIR']) return env['AITIP_CONFIG_DIR'];
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'aitip');
}

/** The key a platform's credentials are stored under: its URL without a trailing slash, query or fragment. */
export function platformKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** Reads and writes `credentials.json`; every write replaces the file atomically with mode 0600. */
export class CredentialsStore {
  readonly path: string;

  constructor(readonly dir: string = configDir()) {
    this.path = join(dir, 'credentials.json');
  }

  /** The credentials stored for the platform at `url`, or null. */
  get(url: string): PlatformCredentials | null {
    return this.read().platforms[platformKey(url)] ?? null;
  }

  /** Stores (or replaces) the credentials for the platform at `credentials.url`. */
  set(credentials: PlatformCredentials): void {
    const file = this.read();
    const key = platformKey(credentials.url);
    file.platforms[key] = { ...credentials, url: key };
    this.write(file);
  }

  /** Deletes the credentials for the platform at `url`; returns whether there were any. */
  delete(url: string): boolean {
    const file = this.read();
    const key = platformKey(url);
    if (!file.platforms[key]) return false;
    delete file.platforms[key];
    this.write(file);
    return true;
  }

  /**
   * Runs `work` while holding the credentials lock, so two CLI processes never rotate the same refresh
   * token (presenting a used one again revokes the whole session).
   */
  async withLock<T>(work: () => Promise<T>): Promise<T> {
    this.ensureDir();
    const lock = join(this.dir, 'credentials.lock');
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (lockAgeMs(lock) > STALE_LOCK_MS) {
          rmSync(lock, { recursive: true, force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new Error(`Another aitip process holds ${lock}. If none is running, delete that folder and try again.`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    try {
      return await work();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
  }

  private read(): CredentialsFile {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, platforms: {} };
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as Partial<CredentialsFile>;
      return { version: 1, platforms: { ...parsed.platforms } };
    } catch {
      throw new Error(`${this.path} is not valid JSON. Delete it and run \`aitip login\` again.`);
    }
  }

  // A crash or a concurrent CLI never leaves a half-written file: write a private temp file, then rename over.
  private write(file: CredentialsFile): void {
    this.ensureDir();
    const temp = join(this.dir, `.credentials.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      writeFileSync(temp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(temp, 0o600);
      renameSync(temp, this.path);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
  }
}
