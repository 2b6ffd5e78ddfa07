import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { users } from './catalog.js';

/** Accounts: owns User and its name fields. */
export const accountsTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Query {
    me: User
    user(id: ID!): User
    users: [User]
  }

  type User @key(fields: "id") {
    id: ID!
    name: String
    # reviews @provides it with each review's author
    username: String @shareable
    birthday: Int
  }
`);

const byId = new Map(users.map((u) => [u.id, u]));

export const accountsResolvers: GraphQLResolverMap = {
  Query: {
    me: () => users[0],
    user: (_: unknown, args: { id: string }) => byId.get(args.id) ?? null,
    users: () => users,
  },
  User: {
    __resolveReference: (reference: { id: string }) => byId.get(reference.id) ?? null,
  },
};
