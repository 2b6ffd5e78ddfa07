import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { IDENTITY_HEADER, executeGraphQL, readBody, verifyIdentity } from '@aitip/kit';

// Two small federation subgraphs that are not AITIP's: the router's guards must work in front of
// any supergraph. `whoami` answers the identity the router signed, as the subgraph verified it.
const authorsSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Author @key(fields: "id") { id: ID! name: String! }
  type Query { authors: [Author!]! whoami: String! }
  type Mutation { logIn(email: String!): String! }
`;
const booksSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Book @key(fields: "isbn") { isbn: ID! title: String! author: Author! }
  type Author @key(fields: "id") { id: ID! books(first: Int): [Book!]! }
  type Query { books(first: Int): [Book!]! }
  type Mutation { bump: Int! }
`;

const authors = [
  { id: 'a1', name: 'Ada' },
  { id: 'a2', name: 'Brian' },
];
const books = [
  { isbn: 'b1', title: 'Engines', authorId: 'a1' },
  { isbn: 'b2', title: 'Unix', authorId: 'a2' },
];

export interface FixtureSubgraphs {
  supergraphSdl: string;
  close(): Promise<void>;
}

/** Starts the two subgraphs on loopback ports and composes their supergraph. */
export async function startFixtureSubgraphs(internalSecret: string): Promise<FixtureSubgraphs> {
  let bumps = 0;
  const servers = [
    await serve(authorsSdl, internalSecret, {
      Query: {
        authors: () => authors,
        whoami: (_: unknown, __: unknown, context: { identity: unknown }) => JSON.stringify(context.identity),
      },
      Mutation: { logIn: (_: unknown, args: { email: string }) => `welcome ${args.email}` },
      Author: { __resolveReference: (ref: { id: string }) => authors.find((a) => a.id === ref.id) },
    }),
    await serve(booksSdl, internalSecret, {
      Query: { books: () => books },
      Mutation: { bump: () => ++bumps },
      Book: { author: (book: { authorId: string }) => ({ __typename: 'Author', id: book.authorId }) },
      Author: {
        __resolveReference: (ref: { id: string }) => ref,
        books: (author: { id: string }) => books.filter((b) => b.authorId === author.id),
      },
    }),
  ];
  const composed = composeServices([
    { name: 'authors', url: servers[0]!.url, typeDefs: parse(authorsSdl) },
    { name: 'books', url: servers[1]!.url, typeDefs: parse(booksSdl) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('; '));
  return {
    supergraphSdl: composed.supergraphSdl,
    async close() {
      for (const s of servers) {
        s.server.closeAllConnections();
        s.server.close();
        await s.apollo.stop();
      }
    },
  };
}

async function serve(
  typeDefs: string,
  internalSecret: string,
  resolvers: Record<string, Record<string, unknown>>,
): Promise<{ url: string; server: Server; apollo: ApolloServer<{ identity: unknown }> }> {
  const apollo = new ApolloServer<{ identity: unknown }>({
    schema: buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: resolvers as never }]),
  });
  await apollo.start();
  const server = createServer((req, res) => {
    void readBody(req).then((body) =>
      executeGraphQL(apollo, req, res, body, async () => ({
        identity: verifyIdentity(req.headers[IDENTITY_HEADER], internalSecret),
      })),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server, apollo };
}
