import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { composeServices } from '@apollo/composition';
import { ChildProcesses, readyMessage, waitUntil } from '../src/harness/child-processes.js';
import { expectGraphQLData, postGraphQL } from '../src/harness/load.js';
import { benchDirectory, platformEnv } from '../src/harness/paths.js';
import { freePort } from '../src/harness/ports.js';
import { demoSubgraphs, nestedQuery, type SubgraphsMessage } from '../src/federation/subgraphs.js';

interface NestedAnswer {
  data: {
    users: Array<{
      username: string;
      reviews: Array<{ product: { shippingEstimate: number; reviews: Array<{ author: { username: string } }> } }>;
    }>;
    topProducts: Array<{ upc: string; inStock: boolean; reviews: unknown[] }>;
  };
}

test('the demo subgraphs compose and answer the nested query through @apollo/gateway', async () => {
  const dir = benchDirectory('federation-test');
  const children = new ChildProcesses(dir);
  try {
    const subgraphs = children.spawn({
      name: 'demo subgraphs',
      command: process.execPath,
      args: [join(__dirname, '../src/federation/subgraphs-process.js')],
      env: platformEnv({}),
      logFile: join(dir, 'subgraphs.log'),
      ipc: true,
    });
    const ready = await readyMessage<SubgraphsMessage>(subgraphs, 60_000);
    assert.equal(ready.type, 'ready');
    if (ready.type !== 'ready') return;
    const composed = composeServices(
      demoSubgraphs.map((s) => ({ name: s.name, url: ready.urls[s.name], typeDefs: s.typeDefs })),
    );
    assert.equal(composed.errors, undefined, composed.errors?.map((e) => e.message).join('; '));
    const supergraphFile = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphFile, composed.supergraphSdl!);

    const port = await freePort();
    const gateway = children.spawn({
      name: '@apollo/gateway',
      command: process.execPath,
      args: [join(__dirname, '../src/federation/apollo-gateway-process.js'), supergraphFile, String(port)],
      env: platformEnv({}),
      logFile: join(dir, 'gateway.log'),
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitUntil(
      gateway,
      async () => (await postGraphQL(url, '{"query":"{ __typename }"}')).status === 200,
      60_000,
      100,
    );

    const answer = JSON.parse(
      await expectGraphQLData('@apollo/gateway', url, JSON.stringify({ query: nestedQuery })),
    ) as NestedAnswer;
    const { users, topProducts } = answer.data;
    assert.equal(users.length, 10);
    assert.ok(users.every((u) => u.reviews.length === 3));
    // @provides: the author's username comes from reviews; @requires: the estimate needs price and weight
    assert.ok(users[0]!.reviews[0]!.product.reviews.every((r) => r.author.username.startsWith('user')));
    assert.equal(typeof users[0]!.reviews[0]!.product.shippingEstimate, 'number');
    assert.deepEqual(
      topProducts.map((p) => p.upc),
      ['1', '2', '3', '4', '5'],
    );
    assert.ok(topProducts.every((p) => p.reviews.length === 3));
  } finally {
    await children.stopAll();
  }
});
