import type { Command } from 'commander';
import { formatTable } from '../table.js';
import { print, printJson, type CommandContext } from './context.js';

/** Who the caller is, as the viewer query answers. */
export interface Viewer {
  kind: string;
  user: { email: string; displayName: string } | null;
  apiKey: { name: string; prefix: string } | null;
  organization: { id: string; slug: string; name: string } | null;
  role: string | null;
  scopes: string[];
}

export const VIEWER = `query Viewer {
  viewer { kind user { email displayName } apiKey { name prefix } organization { id slug name } role scopes }
}`;

/** `aitip whoami`: the signed-in principal, its organization, role and scopes. */
export function registerWhoami(program: Command, context: CommandContext): void {
  program
    .command('whoami')
    .description('who you are signed in as, in which organization, with which scopes')
    .option('--json', 'print the answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const client = context.client();
      const { viewer } = await client.request<{ viewer: Viewer }>(VIEWER);
      if (options.json) return printJson(viewer);
      print(formatViewer(client.url, viewer));
    });
}

/** The viewer as a few aligned lines. */
export function formatViewer(url: string, viewer: Viewer): string {
  const rows: string[][] = [['Platform', url]];
  rows.push(['Kind', viewer.kind]);
  if (viewer.user) {
    rows.push([viewer.kind === 'service' ? 'Created by' : 'User', `${viewer.user.displayName} <${viewer.user.email}>`]);
  }
  if (viewer.apiKey) rows.push(['API key', `${viewer.apiKey.name} (${viewer.apiKey.prefix})`]);
  rows.push([
    'Organization',
    viewer.organization ? `${viewer.organization.slug} (${viewer.organization.name})` : 'none',
  ]);
  if (viewer.role) rows.push(['Role', viewer.role]);
  rows.push(['Scopes', viewer.scopes.length ? viewer.scopes.join(', ') : 'none']);
  return formatTable(rows);
}
