import { isUuid } from '@aitip/kit';
/**
 * Collects the `$n` parameters of one statement, so compiled filters never put user text into the
 * SQL itself: every value goes in as a parameter, every cast is spelled out so PostgreSQL need not
 * guess a parameter's type.
 */
export class SqlBuilder {
  readonly params: unknown[] = [];

  /** Adds `value`; returns its placeholder (`$3`, or `$3::float8` with a cast). */
  param(value: unknown, cast?: string): string {
    this.params.push(value);
    return `$${this.params.length}${cast ? `::${cast}` : ''}`;
  }
}

/** True for a canonical (lower-case) UUID. */
export function isCanonicalUuid(value: string): boolean {
  return isUuid(value) && value === value.toLowerCase();
}

/**
 * The values that can be UUIDs, lower-cased; others are dropped, since they can match no id (MLflow
 * answers an unknown id with no rows, not an error).
 */
export function uuidsOnly(values: readonly string[]): string[] {
  return values.map((v) => v.toLowerCase()).filter(isCanonicalUuid);
}
