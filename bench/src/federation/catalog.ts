/**
 * The data behind the four demo subgraphs: 10 users, 10 products, 30 reviews (three per user,
 * spread over the products). Generated, so every process holds the same values.
 */
export interface CatalogUser {
  id: string;
  name: string;
  username: string;
  birthday: number;
}

export interface CatalogProduct {
  upc: string;
  name: string;
  price: number;
  weight: number;
}

export interface CatalogReview {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

export const users: CatalogUser[] = Array.from({ length: 10 }, (_, i) => ({
  id: String(i + 1),
  name: `User ${i + 1}`,
  username: `user${i + 1}`,
  birthday: 1_000_000_000 + i * 86_400,
}));

export const products: CatalogProduct[] = Array.from({ length: 10 }, (_, i) => ({
  upc: String(i + 1),
  name: `Product ${i + 1}`,
  price: 100 + i * 150,
  weight: 10 + i * 5,
}));

export const reviews: CatalogReview[] = Array.from({ length: 30 }, (_, i) => ({
  id: String(i + 1),
  body: `Review ${i + 1}: ${i % 2 ? 'worth it' : 'could be better'}`,
  authorId: String((i % 10) + 1),
  productUpc: String(((i * 7) % 10) + 1),
}));

/** Which products the inventory has in stock. */
export const inStock = new Set(products.filter((_, i) => i % 3 !== 0).map((p) => p.upc));
