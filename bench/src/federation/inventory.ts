import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { inStock } from './catalog.js';

/** Inventory: extends Product with stock and a shipping estimate that needs price and weight. */
export const inventoryTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

  extend type Product @key(fields: "upc") {
    upc: String!
    weight: Int @external
    price: Int @external
    inStock: Boolean
    shippingEstimate: Int @requires(fields: "price weight")
  }
`);

interface ProductReference {
  upc: string;
  price?: number;
  weight?: number;
}

export const inventoryResolvers: GraphQLResolverMap = {
  Product: {
    __resolveReference: (reference: ProductReference) => ({ ...reference, inStock: inStock.has(reference.upc) }),
    // free shipping above 1000, otherwise half the weight
    shippingEstimate: (product: ProductReference) =>
      (product.price ?? 0) > 1000 ? 0 : Math.round((product.weight ?? 0) * 0.5),
  },
};
