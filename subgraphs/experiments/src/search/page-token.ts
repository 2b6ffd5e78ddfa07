import { searchError } from './errors.js';
import { isCanonicalUuid } from './sql-builder.js';

/** The PostgreSQL type a sort key travels as in a page token. */
export type SortKeyType = 'float8' | 'text' | 'uuid' | 'bigint';

/**
 * What a page token holds: which search it continues (`scope` plus a digest of the order, so a token
 * is not replayed against another order) and the sort keys of the last row already returned.
 */
export interface PageTokenContent {
  scope: 'runs' | 'experiments';
  order: string;
  keys: Array<string | null>;
}

/** Opaque to clients: base64url of a small JSON document. */
export function encodePageToken(content: PageTokenContent): string {
  return Buffer.from(JSON.stringify({ v: 1, s: content.scope, o: content.order, k: content.keys })).toString(
    'base64url',
  );
}

const FLOAT = /^-?(?:Infinity|\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;
const BIGINT = /^-?\d{1,19}$/;

/**
 * Reads a token back and checks it fits the search it is used with (same scope and order, sort keys
 * of the right types), so a tampered or stale token is a clear INVALID_PARAMETER_VALUE, never a
 * database error.
 */
export function decodePageToken(
  token: string,
  expected: { scope: PageTokenContent['scope']; order: string; types: SortKeyType[]; nullable: boolean[] },
): Array<string | null> {
  const invalid = (why: string) =>
    searchError(
      `Invalid page token: ${why}. Use the next page token of the previous answer unchanged, or leave it out to start over.`,
    );
  if (typeof token !== 'string' || token.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalid('it is not a token this server issued');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('it is not a token this server issued');
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('it is not a token this server issued');
  const { v, s, o, k } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof s !== 'string' || typeof o !== 'string' || !Array.isArray(k)) {
    throw invalid('it is not a token this server issued');
  }
  if (s !== expected.scope) throw invalid(`it continues a search of ${s}, not ${expected.scope}`);
  if (o !== expected.order || k.length !== expected.types.length) {
    throw invalid('it belongs to a search with another order_by');
  }
  return k.map((key, i) => {
    if (key === null && expected.nullable[i]) return null;
    if (typeof key === 'string' && fitsType(key, expected.types[i]!)) return key;
    throw invalid('its position does not match this search');
  });
}

function fitsType(value: string, type: SortKeyType): boolean {
  switch (type) {
    case 'float8':
      return FLOAT.test(value);
    case 'bigint':
      return BIGINT.test(value);
    case 'uuid':
      return isCanonicalUuid(value);
    case 'text':
      return true;
  }
}
