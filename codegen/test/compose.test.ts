import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompositionError, composeSupergraph, generatedFiles, readSupergraphConfig } from '../src/index.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

test('the committed schema.graphql files and supergraph.graphql match the code', async () => {
  const root = resolve(__dirname, '../../..');
  const stale: string[] = [];
  for (const [file, content] of await generatedFiles(root)) {
    if (readFileSync(file, 'utf8') !== content) stale.push(file);
  }
  assert.deepEqual(stale, [], 'run `npm run compose` and commit the result');
});

test('the supergraph composes all eleven subgraphs', () => {
  const root = resolve(__dirname, '../../..');
  const entries = readSupergraphConfig(join(root, 'supergraph.yaml'));
  assert.equal(entries.length, 11);
  const sdl = composeSupergraph(entries);
  for (const name of [
    'USERS',
    'DATASETS',
    'TRAINING',
    'INFERENCE',
    'EXPERIMENTS',
    'AGENT',
    'SIMULATION',
    'SCHEDULER',
    'RESOURCES',
    'RELEASES',
    'TESTS',
  ]) {
    assert.match(sdl, new RegExp(`${name} @join__graph\\(name: "${name.toLowerCase()}"`));
  }
});

test('a composition error names the subgraphs and the field at fault', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitip-compose-'));
  writeFileSync(
    join(dir, 'a.graphql'),
    `${link}\ntype Query { a: String }\ntype Thing @key(fields: "id") { id: ID! size: Int! }`,
  );
  writeFileSync(
    join(dir, 'b.graphql'),
    `${link}\ntype Query { b: String }\ntype Thing @key(fields: "id") { id: ID! size: String! }`,
  );
  writeFileSync(
    join(dir, 'supergraph.yaml'),
    'subgraphs:\n  alpha:\n    routing_url: http://a/graphql\n    schema:\n      file: ./a.graphql\n  beta:\n    routing_url: http://b/graphql\n    schema:\n      file: ./b.graphql\n',
  );
  assert.throws(
    () => composeSupergraph(readSupergraphConfig(join(dir, 'supergraph.yaml'))),
    (err: unknown) => {
      assert.ok(err instanceof CompositionError);
      assert.match(err.message, /Thing\.size/);
      assert.match(err.message, /"alpha"/);
      assert.match(err.message, /"beta"/);
      return true;
    },
  );
});

test('a supergraph.yaml entry without a schema file is refused with its name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitip-compose-'));
  writeFileSync(join(dir, 'supergraph.yaml'), 'subgraphs:\n  gamma:\n    routing_url: http://g/graphql\n');
  assert.throws(() => readSupergraphConfig(join(dir, 'supergraph.yaml')), /subgraph "gamma" has no schema\.file/);
});
