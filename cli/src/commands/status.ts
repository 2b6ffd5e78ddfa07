import type { Command } from 'commander';
import { fetchStatus, formatStatusTable } from '../status.js';
import type { CommandContext } from './context.js';

/** `aitip status`: health of every service. */
export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command('status')
    .description('health of every AITIP service')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await fetchStatus(context.url());
      process.stdout.write(options.json ? JSON.stringify(status, null, 2) + '\n' : formatStatusTable(status));
      process.exitCode = status.ready ? 0 : 1;
    });
}
