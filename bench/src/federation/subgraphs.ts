import type { DocumentNode } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { accountsResolvers, accountsTypeDefs } from './accounts.js';
import { inventoryResolvers, inventoryTypeDefs } from './inventory.js';
import { productsResolvers, productsTypeDefs } from './products.js';
import { reviewsResolvers, reviewsTypeDefs } from './reviews.js';

/** One of the four demo subgraphs. */
export interface DemoSubgraph {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap;
}

/** The accounts / inventory / products / reviews federation demo. */
export const demoSubgraphs: DemoSubgraph[] = [
  { name: 'accounts', typeDefs: accountsTypeDefs, resolvers: accountsResolvers },
  { name: 'inventory', typeDefs: inventoryTypeDefs, resolvers: inventoryResolvers },
  { name: 'products', typeDefs: productsTypeDefs, resolvers: productsResolvers },
  { name: 'reviews', typeDefs: reviewsTypeDefs, resolvers: reviewsResolvers },
];

/** IPC messages between the benchmark and the subgraphs process. */
export type SubgraphsMessage =
  { type: 'ready'; urls: Record<string, string> } | { type: 'counts'; counts: Record<string, number> };

/**
 * The deeply nested query the benchmark sends: every subgraph, entity jumps back and forth,
 * a `@requires` field (shippingEstimate) and a `@provides` one (author.username).
 */
export const nestedQuery = /* GraphQL */ `
  fragment UserFields on User {
    id
    username
    name
  }
  fragment ReviewFields on Review {
    id
    body
  }
  fragment ProductFields on Product {
    upc
    name
    price
    weight
    inStock
    shippingEstimate
  }
  query NestedAcrossFourSubgraphs {
    users {
      ...UserFields
      reviews {
        ...ReviewFields
        product {
          ...ProductFields
          reviews {
            ...ReviewFields
            author {
              ...UserFields
              reviews {
                ...ReviewFields
                product {
                  ...ProductFields
                }
              }
            }
          }
        }
      }
    }
    topProducts {
      ...ProductFields
      reviews {
        ...ReviewFields
        author {
          ...UserFields
          reviews {
            ...ReviewFields
            product {
              ...ProductFields
            }
          }
        }
      }
    }
  }
`;
