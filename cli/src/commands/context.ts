import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { CredentialsStore, platformKey } from '../credentials.js';
import { UsageError } from '../errors.js';

/** What every command needs: the platform URL from --url / AITIP_URL, the credentials and an API client. */
export class CommandContext {
  readonly store = new CredentialsStore();

  constructor(private readonly program: Command) {}

  /** The platform URL, normalized the way credentials are keyed. */
  url(): string {
    const { url } = this.program.opts<{ url: string }>();
    try {
      return platformKey(url);
    } catch {
      throw new UsageError(`--url ${url} is not a URL: give the router's address, e.g. http://localhost:4000.`);
    }
  }

  /** A client for the platform with its stored credentials. */
  client(): ApiClient {
    return new ApiClient(this.url(), this.store);
  }
}

/** Writes a line (or several) to stdout. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a value as indented JSON to stdout. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}
