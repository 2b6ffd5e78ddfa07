#!/usr/bin/env node
// Runs every compiled test file with node's test runner, one file at a time (several files start
// the whole platform, and this machine has two cores). Pass file paths to run only those.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const testDirs = [
  'kit/dist/test',
  'codegen/dist/test',
  'router/dist/test',
  'cli/dist/test',
  'bench/dist/test',
  'web/test',
  'examples/test',
];
for (const subgraph of readdirSync(join(root, 'subgraphs'))) testDirs.push(`subgraphs/${subgraph}/dist/test`);

const requested = process.argv.slice(2);
const files = requested.length
  ? requested
  : testDirs.flatMap((dir) =>
      existsSync(join(root, dir))
        ? readdirSync(join(root, dir))
            .filter((f) => /\.test\.(m?js)$/.test(f))
            .sort()
            .map((f) => join(dir, f))
        : [],
    );

if (!existsSync(join(root, 'router/dist/src/all-in-one.js')) || !existsSync(join(root, 'web/dist/index.html'))) {
  console.error('The project is not built. Run `npm run build` first.');
  process.exit(1);
}
console.log(`running ${files.length} test files:\n  ${files.join('\n  ')}`);
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
