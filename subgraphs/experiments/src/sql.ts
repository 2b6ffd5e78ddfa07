import { returnedRows } from '@aitip/kit';
import type { EntityManager } from 'typeorm';

/** Runs a statement and answers its rows, whatever kind of statement it is (see returnedRows). */
export async function rows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return returnedRows<T>(await m.query(sql, params));
}

/** PostgreSQL's unique_violation. */
export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** A timestamp column as a Date (PGlite and node-postgres both give Dates; strings are tolerated). */
export const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** A float8 value as PostgreSQL and node-postgres hand it over (numbers, or 'NaN'/'Infinity' strings). */
export const toNumber = (value: number | string): number => (typeof value === 'number' ? value : Number(value));
