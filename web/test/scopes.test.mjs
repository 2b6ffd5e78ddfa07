// The web app keeps its own copy of the scope names (it cannot import kit); this keeps the copy true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;

test("the API keys page offers exactly kit's scopes", async () => {
  const source = readFileSync(`${root}web/src/api-keys/scopes.ts`, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const web = await import(`data:text/javascript,${encodeURIComponent(outputText)}`);
  const kit = require(`${root}kit/dist/src/auth/scopes.js`);
  assert.deepEqual([...web.SCOPES].sort(), [...kit.SCOPES].sort());
  assert.deepEqual([...web.DOMAINS], [...kit.DOMAINS]);
});
