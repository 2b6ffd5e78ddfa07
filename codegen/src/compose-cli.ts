#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CompositionError, composeSupergraph, readSupergraphConfig } from './compose.js';
import { generatedFiles } from './generate.js';

/**
 * `npm run compose`: emits every subgraph's schema.graphql from its code and composes
 * supergraph.graphql. With `--config <supergraph.yaml> --out <file>` it composes the listed
 * schema files only (any federation 2 subgraphs).
 */
async function main(argv: string[]): Promise<void> {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const configPath = option('--config');
  if (configPath) {
    const out = resolve(option('--out') ?? 'supergraph.graphql');
    writeFileSync(out, composeSupergraph(readSupergraphConfig(resolve(configPath))));
    process.stdout.write(`wrote ${out}\n`);
    return;
  }
  const root = resolve(__dirname, '../../..');
  for (const [file, content] of await generatedFiles(root)) {
    writeFileSync(file, content);
    process.stdout.write(`wrote ${file.slice(root.length + 1)}\n`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write((err instanceof CompositionError ? err.message : String((err as Error).stack ?? err)) + '\n');
  process.exit(1);
});
