import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { products } from './catalog.js';

/** Products: owns Product with its name, price and weight. */
export const productsTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    topProducts(first: Int = 5): [Product]
  }

  type Product @key(fields: "upc") {
    upc: String!
    name: String
    price: Int
    weight: Int
  }
`);

const byUpc = new Map(products.map((p) => [p.upc, p]));

export const productsResolvers: GraphQLResolverMap = {
  Query: {
    topProducts: (_: unknown, args: { first: number }) => products.slice(0, args.first),
  },
  Product: {
    __resolveReference: (reference: { upc: string }) => byUpc.get(reference.upc) ?? null,
  },
};
