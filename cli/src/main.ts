#!/usr/bin/env node
import { Command } from 'commander';
import { registerDatasets } from './commands/datasets.js';
import { registerJobs } from './jobs/command.js';
import { registerKeys } from './commands/keys.js';
import { registerLogin } from './commands/login.js';
import { registerLogout } from './commands/logout.js';
import { registerOrgs } from './commands/orgs.js';
import { registerRuns } from './commands/runs.js';
import { registerSignup } from './commands/signup.js';
import { registerStatus } from './commands/status.js';
import { registerWhoami } from './commands/whoami.js';
import { CommandContext } from './commands/context.js';
import { UnreachableError } from './errors.js';

// `aitip jobs logs <id> | head`: a reader that stops early is not an error; stop quietly, as Unix tools do
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

const program = new Command();
program
  .name('aitip')
  .description('Command line for AITIP, the AI Training & Inference Platform')
  .option(
    '--url <url>',
    'base URL of the AITIP router (or set AITIP_URL)',
    process.env['AITIP_URL'] ?? 'http://localhost:4000',
  );

const context = new CommandContext(program);
registerStatus(program, context);
registerLogin(program, context);
registerSignup(program, context);
registerLogout(program, context);
registerWhoami(program, context);
registerOrgs(program, context);
registerKeys(program, context);
registerDatasets(program, context);
registerRuns(program, context);
registerJobs(program, context);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`aitip: ${(err as Error).message}\n`);
  process.exitCode = err instanceof UnreachableError ? 2 : 1;
});
