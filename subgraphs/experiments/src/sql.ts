import type { EntityManager } from 'typeorm';

/**
 * The rows a statement gave: typeorm answers `UPDATE`/`DELETE … RETURNING` with `[rows, affectedCount]`
 * and other statements with the rows alone.
 */
export async function rows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await m.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** PostgreSQL's unique_violation. */
export const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** A timestamp column as a Date (PGlite and node-postgres both give Dates; strings are tolerated). */
export const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** A float8 value as PostgreSQL and node-postgres hand it over (numbers, or 'NaN'/'Infinity' strings). */
export const toNumber = (value: number | string): number => (typeof value === 'number' ? value : Number(value));
