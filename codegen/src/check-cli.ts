#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generatedFiles } from './generate.js';

/** `npm run check:generated`: fails when a committed schema.graphql or supergraph.graphql is stale. */
async function main(): Promise<void> {
  const root = resolve(__dirname, '../../..');
  const stale: string[] = [];
  for (const [file, content] of await generatedFiles(root)) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) stale.push(file.slice(root.length + 1));
  }
  if (stale.length > 0) {
    process.stderr.write(
      `Generated files are stale; run \`npm run build && npm run compose\` and commit:\n${stale.map((f) => `  - ${f}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write('generated files are up to date\n');
}

main().catch((err: unknown) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exit(1);
});
