import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createLogger, executeGraphQL, readBody } from '@aitip/kit';
import { startRouter, type RunningRouter } from '../src/router.js';
import { freePort, graphql, spawnAllInOne, waitForOk } from './support.js';
import { repoRoot } from '../src/config.js';
import { spawn } from 'node:child_process';

// Two plain federation subgraphs that know nothing about AITIP: the router must work as a
// general Federation 2 router for any supergraph it is given.
const authors = [
  { id: 'a1', name: 'Ada' },
  { id: 'a2', name: 'Brian' },
];
const books = [
  { isbn: 'b1', title: 'Engines', authorId: 'a1' },
  { isbn: 'b2', title: 'Unix', authorId: 'a2' },
  { isbn: 'b3', title: 'Notes', authorId: 'a1' },
];
let entityCalls = 0;
let slowBooksCalls = 0;
let bumps = 0;

const authorsSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Author @key(fields: "id") { id: ID! name: String! }
  type Query { authors: [Author!]! }
`;
const booksSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Book @key(fields: "isbn") { isbn: ID! title: String! author: Author! }
  type Author @key(fields: "id") { id: ID! books: [Book!]! }
  type Query { books: [Book!]! slowBooks: [Book!]! }
  type Mutation { bump: Int! }
`;

async function serve(
  typeDefs: string,
  resolvers: Record<string, Record<string, unknown>>,
): Promise<{ url: string; server: Server; apollo: ApolloServer }> {
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: resolvers as never }]),
  });
  await apollo.start();
  const server = createServer((req, res) => {
    void readBody(req).then((body) => executeGraphQL(apollo, req, res, body, async () => ({})));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, apollo };
}

describe('the router as a general federation router', () => {
  let subgraphs: Array<{ url: string; server: Server; apollo: ApolloServer }>;
  let supergraphSdl: string;
  let router: RunningRouter;

  before(async () => {
    subgraphs = [
      await serve(authorsSdl, {
        Query: { authors: () => authors },
        Author: { __resolveReference: (ref: { id: string }) => authors.find((a) => a.id === ref.id) },
      }),
      await serve(booksSdl, {
        Query: {
          books: () => books,
          slowBooks: async () => {
            slowBooksCalls++;
            await new Promise((r) => setTimeout(r, 300));
            return books;
          },
        },
        Mutation: { bump: () => ++bumps },
        Book: { author: (book: { authorId: string }) => ({ __typename: 'Author', id: book.authorId }) },
        Author: {
          __resolveReference: (ref: { id: string }) => {
            entityCalls++;
            return ref;
          },
          books: (author: { id: string }) => books.filter((b) => b.authorId === author.id),
        },
      }),
    ];
    const composed = composeServices([
      { name: 'authors', url: subgraphs[0]!.url, typeDefs: parse(authorsSdl) },
      { name: 'books', url: subgraphs[1]!.url, typeDefs: parse(booksSdl) },
    ]);
    assert.equal(composed.errors, undefined);
    supergraphSdl = composed.supergraphSdl!;
    router = await startRouter(
      {
        supergraphSdl,
        internalSecret: 'x'.repeat(40),
        tokenSecret: 't'.repeat(40),
        logger: createLogger('test', 'silent'),
      },
      { port: 0 },
    );
  });
  after(async () => {
    await router?.close();
    for (const s of subgraphs ?? []) {
      s.server.closeAllConnections();
      s.server.close();
      await s.apollo.stop();
    }
  });

  test('a nested query is planned across both subgraphs and merged', async () => {
    const { body } = await graphql(`${router.url}/graphql`, '{ authors { name books { title author { name } } } }');
    assert.deepEqual(body, {
      data: {
        authors: [
          {
            name: 'Ada',
            books: [
              { title: 'Engines', author: { name: 'Ada' } },
              { title: 'Notes', author: { name: 'Ada' } },
            ],
          },
          { name: 'Brian', books: [{ title: 'Unix', author: { name: 'Brian' } }] },
        ],
      },
    });
    assert.ok(entityCalls >= 2);
  });

  test('identical queries in flight share one subgraph call; mutations never do', async () => {
    const url = `${router.url}/graphql`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => graphql(url, '{ slowBooks { title } }')));
    for (const { body } of answers) assert.equal((body.data?.['slowBooks'] as unknown[]).length, 3);
    assert.equal(slowBooksCalls, 1);
    const bumped = await Promise.all(Array.from({ length: 5 }, () => graphql(url, 'mutation { bump }')));
    assert.deepEqual(bumped.map(({ body }) => body.data?.['bump']).sort(), [1, 2, 3, 4, 5]);
    await graphql(url, '{ slowBooks { title } }');
    assert.equal(slowBooksCalls, 2, 'a finished call is not reused');
  });

  test('`aitip-router --supergraph <file>` serves any supergraph file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitip-supergraph-'));
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, supergraphSdl);
    const port = await freePort();
    const child = spawn(process.execPath, [join(repoRoot, 'router/dist/src/main.js'), '--supergraph', file], {
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', AITIP_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, 30_000, () => output);
      const { body } = await graphql(`http://127.0.0.1:${port}/graphql`, '{ books { title author { name } } }');
      assert.deepEqual(body.data?.['books'], [
        { title: 'Engines', author: { name: 'Ada' } },
        { title: 'Unix', author: { name: 'Brian' } },
        { title: 'Notes', author: { name: 'Ada' } },
      ]);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });

  test('a missing supergraph file is a clear start-up error', async () => {
    const child = spawnAllInOne({
      SUPERGRAPH_PATH: '/nonexistent/supergraph.graphql',
      AITIP_DATA_DIR: mkdtempSync(join(tmpdir(), 'aitip-nosg-')),
    });
    assert.equal(await child.exited, 1);
    assert.match(
      child.output(),
      /Cannot read the supergraph at \/nonexistent\/supergraph\.graphql.*Run `npm run compose` or pass --supergraph <file>/,
    );
  });
});
