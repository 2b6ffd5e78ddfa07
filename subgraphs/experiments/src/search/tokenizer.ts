import { searchError } from './errors.js';

/**
 * The lexical pieces of MLflow's filter and order_by strings. Quoting follows MLflow (which follows
 * SQL): `'…'` is a string, `"…"` is a string or a key, `` `…` `` is a key; a quote is escaped by
 * doubling it or with a backslash.
 */
export type TokenKind =
  'word' | 'number' | 'single' | 'double' | 'backtick' | 'operator' | 'dot' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  /** The token as written (quotes included), for error messages. */
  text: string;
  /** The value: a quoted token without its quotes and escapes, anything else as written. */
  value: string;
  /** 1-based column of the token's first character. */
  column: number;
}

const QUOTES: Record<string, TokenKind> = { "'": 'single', '"': 'double', '`': 'backtick' };
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;
/** After a dot, a key segment may start with a digit (`tags.mlflow.2nd`). */
const SEGMENT = /^[A-Za-z0-9_]+/;
const OPERATOR = /^[=!<>]+/;

/** Splits `text` into tokens, ending with an `end` token; throws on a character the grammar never uses. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const column = i + 1;
    const rest = text.slice(i);
    const previous = tokens[tokens.length - 1];
    let match: RegExpExecArray | null;
    if (ch in QUOTES) {
      const end = closingQuote(text, i);
      if (end < 0)
        throw searchError(`Unterminated quote ${ch} starting at column ${column}: close it with ${ch}.`, column);
      const raw = text.slice(i, end + 1);
      tokens.push({ kind: QUOTES[ch]!, text: raw, value: unquote(raw), column });
      i = end + 1;
    } else if (previous?.kind === 'dot' && (match = SEGMENT.exec(rest))) {
      tokens.push({ kind: 'word', text: match[0], value: match[0], column });
      i += match[0].length;
    } else if ((match = NUMBER.exec(rest)) && !/^[A-Za-z_]/.test(rest.slice(match[0].length))) {
      tokens.push({ kind: 'number', text: match[0], value: match[0], column });
      i += match[0].length;
    } else if ((match = WORD.exec(rest))) {
      tokens.push({ kind: 'word', text: match[0], value: match[0], column });
      i += match[0].length;
    } else if ((match = OPERATOR.exec(rest))) {
      tokens.push({ kind: 'operator', text: match[0], value: match[0], column });
      i += match[0].length;
    } else if (ch === '.' || ch === '(' || ch === ')' || ch === ',') {
      const kind = ch === '.' ? 'dot' : ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma';
      tokens.push({ kind, text: ch, value: ch, column });
      i++;
    } else {
      throw searchError(
        `Unexpected character '${ch}' at column ${column}. Quote names with special characters: metrics.\`f1-score\`.`,
        column,
      );
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', column: text.length + 1 });
  return tokens;
}

/** Index of the quote closing the one at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === quote) i++;
    else if (ch === quote) {
      if (text[i + 1] === quote) i++;
      else return i;
    }
  }
  return -1;
}

/** The quoted text without its quotes; a doubled or backslash-escaped quote becomes one quote. */
function unquote(raw: string): string {
  const quote = raw[0]!;
  const body = raw.slice(1, -1);
  return body
    .split(quote + quote)
    .map((part) => part.split('\\' + quote).join(quote))
    .join(quote);
}

/** A token as a user would recognise it in a message. */
export function describeToken(token: Token): string {
  return token.kind === 'end' ? 'the end of the text' : `'${token.text}'`;
}
