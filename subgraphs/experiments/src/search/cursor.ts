import { searchError } from './errors.js';
import { describeToken, tokenize, type Token } from './tokenizer.js';

/** Walks the tokens of one filter or order_by entry; errors name the token and its column. */
export class TokenCursor {
  private index = 0;
  readonly tokens: Token[];

  constructor(
    text: string,
    /** How messages name the input: `filter`, `order_by entry 'metrics.rmse DESC'`. */
    readonly subject: string,
  ) {
    this.tokens = tokenize(text);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  /** True (and consumed) when the next token is the keyword `word`, in any case. */
  acceptKeyword(word: string): boolean {
    if (isKeyword(this.peek(), word)) {
      this.index++;
      return true;
    }
    return false;
  }

  /** An error about `token`: "Invalid filter at column 18, 'or': <problem>." plus what to do. */
  fail(token: Token, problem: string, hint = ''): Error {
    const where =
      token.kind === 'end' ? 'at the end of the text' : `at column ${token.column}, ${describeToken(token)}`;
    return searchError(`Invalid ${this.subject} ${where}: ${problem}.${hint ? ' ' + hint : ''}`, token.column);
  }

  /** An error saying what was expected instead of `token`. */
  expected(what: string, token: Token = this.peek(), hint = ''): Error {
    return this.fail(token, `expected ${what}`, hint);
  }
}

export function isKeyword(token: Token, word: string): boolean {
  return token.kind === 'word' && token.value.toUpperCase() === word;
}

/** A left-hand side as written: `metrics.rmse` → entity `metrics`, key `rmse`; `status` → no entity. */
export interface RawIdentifier {
  /** The part before the first dot, or null when there is no dot (MLflow then means an attribute). */
  entity: string | null;
  key: string;
  /** The token the identifier starts with, for errors. */
  start: Token;
  /** The token holding the key (the last segment), for errors about the key. */
  keyToken: Token;
  /** As written, for messages. */
  text: string;
}

const SEGMENT_KINDS = new Set(['word', 'double', 'backtick']);

/**
 * Reads `entity.key` the way MLflow splits it: at the first dot, so `tags.mlflow.runName` is tag
 * `mlflow.runName`; a quoted segment (`"…"` or `` `…` ``) may hold any character.
 */
export function readIdentifier(cursor: TokenCursor, what: string): RawIdentifier {
  const start = cursor.peek();
  if (start.kind === 'lparen') {
    throw cursor.fail(start, 'parentheses are not supported', 'A filter is clauses joined by AND.');
  }
  if (!SEGMENT_KINDS.has(start.kind)) {
    throw cursor.expected(what, start, "For example: metrics.rmse < 1 and params.model = 'cnn'.");
  }
  cursor.next();
  const segments: Token[] = [start];
  while (cursor.peek().kind === 'dot') {
    const dot = cursor.next();
    const segment = cursor.peek();
    if (!SEGMENT_KINDS.has(segment.kind)) {
      throw cursor.expected(
        'a name after the dot',
        segment,
        'Quote names with special characters: metrics.`f1 score`.',
      );
    }
    if (segment.column !== dot.column + 1)
      throw cursor.fail(segment, 'there is a space after the dot', 'Write the name right after it: metrics.rmse.');
    segments.push(cursor.next());
  }
  const text = segments.map((s) => s.text).join('.');
  if (segments.length === 1) return { entity: null, key: start.value, start, keyToken: start, text };
  return {
    entity: start.value,
    key: segments
      .slice(1)
      .map((s) => s.value)
      .join('.'),
    start,
    keyToken: segments[segments.length - 1]!,
    text,
  };
}
