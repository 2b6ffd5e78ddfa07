import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { reviews, users, type CatalogReview } from './catalog.js';

/**
 * Reviews: owns Review, adds `reviews` to User and Product, and provides the author's username
 * so a router need not ask accounts for it.
 */
export const reviewsTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@provides"])

  type Review @key(fields: "id") {
    id: ID!
    body: String
    author: User @provides(fields: "username")
    product: Product
  }

  extend type User @key(fields: "id") {
    id: ID!
    username: String @external
    reviews: [Review]
  }

  extend type Product @key(fields: "upc") {
    upc: String!
    reviews: [Review]
  }
`);

const usernames = new Map(users.map((u) => [u.id, u.username]));
const byId = new Map(reviews.map((r) => [r.id, r]));
const byAuthor = groupReviews((r) => r.authorId);
const byProduct = groupReviews((r) => r.productUpc);

function groupReviews(key: (review: CatalogReview) => string): Map<string, CatalogReview[]> {
  const groups = new Map<string, CatalogReview[]>();
  for (const review of reviews) groups.set(key(review), [...(groups.get(key(review)) ?? []), review]);
  return groups;
}

export const reviewsResolvers: GraphQLResolverMap = {
  Review: {
    __resolveReference: (reference: { id: string }) => byId.get(reference.id) ?? null,
    author: (review: CatalogReview) => ({
      __typename: 'User',
      id: review.authorId,
      username: usernames.get(review.authorId),
    }),
    product: (review: CatalogReview) => ({ __typename: 'Product', upc: review.productUpc }),
  },
  User: {
    reviews: (user: { id: string }) => byAuthor.get(user.id) ?? [],
  },
  Product: {
    reviews: (product: { upc: string }) => byProduct.get(product.upc) ?? [],
  },
};
