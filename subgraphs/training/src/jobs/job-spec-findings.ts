/**
 * Collecting every problem of a spec at once, and the value checks the fields share. A finding
 * names the field by its path segments so the YAML reader can find the line it came from.
 */
import { closestName, isMapping, shown, type NumberRule } from './job-spec-rules.js';

export type Segment = string | number;

export interface Finding {
  segments: Segment[];
  message: string;
  /** Which part of the YAML to point at: the field's key or its value. */
  on: 'key' | 'value';
  /** Point at this path instead, e.g. a missing `image` at the `backend` that asks for it. */
  at?: Segment[];
}

export class Findings {
  readonly list: Finding[] = [];

  add(segments: Segment[], message: string, options: { on?: 'key' | 'value'; at?: Segment[] } = {}): void {
    this.list.push({ segments, message, on: options.on ?? 'value', ...(options.at ? { at: options.at } : {}) });
  }

  /** Reports every field of `object` that is not in `known`, with the name it most likely meant. */
  unknownFields(
    object: Record<string, unknown>,
    segments: Segment[],
    known: readonly string[],
    aliases?: Record<string, string>,
  ): void {
    for (const [key, value] of Object.entries(object)) {
      if (known.includes(key) || value === undefined) continue;
      const guess = closestName(key, known, aliases);
      const message = guess
        ? `unknown field "${key}"; did you mean "${guess}"?`
        : `unknown field "${key}"; the fields here are ${known.join(', ')}`;
      this.add([...segments, key], message, { on: 'key' });
    }
  }
}

/** A field's value, with null read as absent: GraphQL clients send null and YAML writes `key:` for it. */
export function field(object: Record<string, unknown>, key: string): unknown {
  const value = object[key];
  return value === null ? undefined : value;
}

/** A mapping to check further, or undefined after reporting what it should have been. */
export function mapping(
  value: unknown,
  segments: Segment[],
  findings: Findings,
  what: string,
): Record<string, unknown> | undefined {
  if (isMapping(value)) return value;
  findings.add(segments, `must be ${what}; got ${shown(value)}`);
  return undefined;
}

function ruleText(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (rule.exclusiveMinimum !== undefined) {
    const above = `${kind} > ${rule.exclusiveMinimum}`;
    return rule.maximum === undefined ? above : `${above} and at most ${rule.maximum}`;
  }
  if (rule.minimum !== undefined && rule.maximum !== undefined)
    return `${kind} from ${rule.minimum} to ${rule.maximum}`;
  if (rule.minimum !== undefined) return `${kind} of at least ${rule.minimum}`;
  return rule.maximum === undefined ? kind : `${kind} of at most ${rule.maximum}`;
}

/** A number within `rule`; `hint` follows the message when the value is text (e.g. "2Gi"). */
export function numberIn(
  value: unknown,
  segments: Segment[],
  findings: Findings,
  rule: NumberRule,
  hint?: string,
): number | undefined {
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.minimum === undefined || value >= rule.minimum) &&
    (rule.exclusiveMinimum === undefined || value > rule.exclusiveMinimum) &&
    (rule.maximum === undefined || value <= rule.maximum)
  ) {
    return value;
  }
  const suffix = hint && typeof value === 'string' ? ` (${hint})` : '';
  findings.add(segments, `must be ${ruleText(rule)}; got ${shown(value)}${suffix}`);
  return undefined;
}

export function flag(value: unknown, segments: Segment[], findings: Findings): boolean | undefined {
  if (typeof value === 'boolean') return value;
  findings.add(segments, `must be true or false; got ${shown(value)}`);
  return undefined;
}

/** A string matching `pattern` (when given) of 1 to `maxLength` characters; `what` describes it. */
export function text(
  value: unknown,
  segments: Segment[],
  findings: Findings,
  what: string,
  rule: { pattern?: RegExp; maxLength?: number } = {},
): string | undefined {
  const good =
    typeof value === 'string' &&
    value.trim() !== '' &&
    (rule.maxLength === undefined || value.length <= rule.maxLength) &&
    (rule.pattern === undefined || rule.pattern.test(value));
  if (good) return value;
  findings.add(segments, `must be ${what}; got ${shown(value)}`);
  return undefined;
}

/** Why a list item or map value that should be a string is not, with the quoting fix for YAML. */
export function notAString(value: unknown, also = ''): string {
  const quote = typeof value === 'number' || typeof value === 'boolean' ? ` (quote it: "${String(value)}")` : also;
  return `must be a string; got ${shown(value)}${quote}`;
}

/** A list of strings; each item that is not a string is reported at its own index. */
export function stringList(
  value: unknown,
  segments: Segment[],
  findings: Findings,
  example: string,
): string[] | undefined {
  if (!Array.isArray(value)) {
    findings.add(segments, `must be a list of strings, e.g. ${example}; got ${shown(value)}`);
    return undefined;
  }
  let good = true;
  value.forEach((item: unknown, index) => {
    if (typeof item === 'string') return;
    good = false;
    findings.add([...segments, index], notAString(item));
  });
  return good ? (value as string[]) : undefined;
}
