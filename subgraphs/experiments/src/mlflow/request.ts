import type { IncomingMessage } from 'node:http';
import { MlflowError, invalidParameter } from './errors.js';

/** Largest JSON body of an MLflow call other than log-batch (log-inputs carries dataset schemas). */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request body as raw bytes up to `limit`. A larger body is drained (so the client reads
 * the answer rather than a reset connection) and reported with its full size, which `tooLarge`
 * turns into the error to throw.
 */
export async function readRawBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: (size: number) => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', resolve);
    req.once('error', reject);
  });
  if (size > limit) throw tooLarge(size);
  return Buffer.concat(chunks, size);
}

/**
 * Parses an MLflow request body. Like MLflow, an empty body is an empty request and a body that
 * is a JSON string holding JSON (what old clients send) is decoded twice; anything that is not a
 * JSON object is BAD_REQUEST.
 */
export function parseJsonBody(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
  } catch {
    throw new MlflowError('BAD_REQUEST', 'The request body is not valid JSON; send a JSON object.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MlflowError('BAD_REQUEST', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Query parameters as MLflow reads them: `repeated` fields as lists, every other field as its first value. */
export function queryParams(query: URLSearchParams, repeated: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    out[key] = repeated.includes(key) ? query.getAll(key) : query.get(key);
  }
  return out;
}

/** Python's name for a JSON value's type, as MLflow's "Hint: Value was of type '…'" names it. */
function pythonType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** MLflow's message for a value of the wrong type. */
export function invalidValue(path: string, value: unknown, hint?: string): MlflowError {
  const shown = JSON.stringify(value) ?? 'null';
  return invalidParameter(
    `Invalid value ${shown} for parameter '${path}' supplied${hint ? `: ${hint}` : '.'} ` +
      'See the API docs for more information about request parameters.',
  );
}

/** MLflow's message for a required field left out (or sent empty, which protobuf cannot tell apart). */
export function missingValue(path: string): MlflowError {
  return invalidParameter(
    `Missing value for required parameter '${path}'. See the API docs for more information about request parameters.`,
  );
}

const typeHint = (value: unknown) => `Hint: Value was of type '${pythonType(value)}'.`;

const INTEGER = /^[-+]?\d+$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  nan: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  inf: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
};

/** Reads a JSON number the way protobuf's JSON mapping does: numbers, numeric strings, "NaN", "±Infinity". */
export function toDouble(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  if (value in SPECIAL_FLOATS) return SPECIAL_FLOATS[value]!;
  const trimmed = value.trim();
  if (trimmed === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return null;
  return Number(trimmed);
}

/** Reads a protobuf int64 from JSON: an integral number or a string of digits. */
export function toInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && INTEGER.test(value.trim())) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/**
 * The fields of one MLflow request (its JSON body, or its query string for GET), read with the
 * checks MLflow's handlers apply: required fields (absent or empty is "missing") and types, each
 * failure an INVALID_PARAMETER_VALUE naming the field.
 */
export class MlflowParams {
  constructor(readonly fields: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.fields[name] !== undefined && this.fields[name] !== null;
  }

  /** A string field; `required` refuses absent and empty values. */
  string(name: string, options: { required: true }): string;
  string(name: string, options?: { required?: false }): string | undefined;
  string(name: string, options: { required?: boolean } = {}): string | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null || value === '') {
      if (options.required) throw missingValue(name);
      return value === '' ? '' : undefined;
    }
    if (typeof value !== 'string') throw invalidValue(name, value, typeHint(value));
    return value;
  }

  /** The run a call is about: `run_id`, or the older `run_uuid` MLflow clients still send alongside. */
  runId(): string {
    const runId = this.string('run_id');
    if (runId) return runId;
    const runUuid = this.string('run_uuid');
    if (runUuid) return runUuid;
    throw missingValue('run_id');
  }

  /** An int64 field (number or string of digits). */
  integer(name: string, options: { required: true }): number;
  integer(name: string, options?: { required?: false }): number | undefined;
  integer(name: string, options: { required?: boolean } = {}): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null || value === '') {
      if (options.required) throw missingValue(name);
      return undefined;
    }
    const n = toInteger(value);
    if (n === null) throw invalidValue(name, value, typeHint(value));
    return n;
  }

  /** A double field; NaN and ±Infinity arrive as the strings protobuf's JSON mapping uses. */
  double(name: string, options: { required: true }): number;
  double(name: string, options?: { required?: false }): number | undefined;
  double(name: string, options: { required?: boolean } = {}): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null || value === '') {
      if (options.required) throw missingValue(name);
      return undefined;
    }
    const n = toDouble(value);
    if (n === null) throw invalidValue(name, value, typeHint(value));
    return n;
  }

  /** A repeated field (a JSON array; query parameters named repeated arrive as lists already). */
  array(name: string): unknown[] {
    const value = this.fields[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw invalidValue(name, value, typeHint(value));
    return value;
  }

  /** A repeated string field. */
  strings(name: string): string[] {
    const values = this.array(name);
    for (const value of values) {
      if (typeof value !== 'string') throw invalidValue(name, values, 'Expected a list of strings.');
    }
    return values as string[];
  }

  /** An enum field sent by name or by its protobuf number. */
  enumValue<T extends string>(name: string, values: readonly T[], numbers: Readonly<Record<number, T>>): T | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    const n = toInteger(value);
    if (n !== null && numbers[n]) return numbers[n];
    throw invalidValue(name, value, `Expected one of ${values.join(', ')}.`);
  }
}

/** `{key, value}` entries (tags, params) read from a repeated field, checking each has a key. */
export function keyValueList(params: MlflowParams, name: string): Array<{ key: string; value: string }> {
  return params.array(name).map((entry, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw invalidValue(`${name}[${index}]`, entry, typeHint(entry));
    }
    const { key, value } = entry as Record<string, unknown>;
    if (key === undefined || key === null || key === '') throw missingValue(`${name}[${index}].key`);
    if (typeof key !== 'string') throw invalidValue(`${name}[${index}].key`, key, typeHint(key));
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw invalidValue(`${name}[${index}].value`, value, typeHint(value));
    }
    return { key, value: (value as string | undefined | null) ?? '' };
  });
}
