#!/usr/bin/env node
import { Command } from 'commander';
import { UnreachableError, fetchStatus, formatStatusTable } from './status.js';

const program = new Command();
program
  .name('aitip')
  .description('Command line for AITIP, the AI Training & Inference Platform')
  .option(
    '--url <url>',
    'base URL of the AITIP router (or set AITIP_URL)',
    process.env['AITIP_URL'] ?? 'http://localhost:4000',
  );

program
  .command('status')
  .description('health of every AITIP service')
  .option('--json', 'print the status as JSON')
  .action(async (options: { json?: boolean }) => {
    const { url } = program.opts<{ url: string }>();
    const status = await fetchStatus(url);
    process.stdout.write(options.json ? JSON.stringify(status, null, 2) + '\n' : formatStatusTable(status));
    process.exitCode = status.ready ? 0 : 1;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`aitip: ${(err as Error).message}\n`);
  process.exitCode = err instanceof UnreachableError ? 2 : 1;
});
