/** Delimiters a delimited text file may use, most likely first. */
const CANDIDATES = ['\t', ',', ';', '|'];
const MAX_RECORDS = 100;

/** Splits text into records at newlines outside double quotes, skipping blank ones. */
export function splitRecords(text: string, max = MAX_RECORDS): string[] {
  const records: string[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length && records.length < max; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) inQuotes = !inQuotes;
    else if (c === 0x0a && !inQuotes) {
      const record = text.slice(start, i).replace(/\r$/, '');
      if (record.trim()) records.push(record);
      start = i + 1;
    }
  }
  if (records.length < max && start < text.length) {
    const record = text.slice(start).replace(/\r$/, '');
    if (record.trim()) records.push(record);
  }
  return records;
}

/** Fields of a record split on `delimiter` outside double quotes, unquoted. */
export function splitFields(record: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < record.length; i += 1) {
    const c = record[i]!;
    if (c === '"') {
      if (inQuotes && record[i + 1] === '"') {
        field += '"';
        i += 1;
      } else inQuotes = !inQuotes;
    } else if (c === delimiter && !inQuotes) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function countFields(record: string, delimiter: string): number {
  let count = 1;
  let inQuotes = false;
  for (let i = 0; i < record.length; i += 1) {
    const c = record[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === delimiter && !inQuotes) count += 1;
  }
  return count;
}

/**
 * Picks the delimiter of delimited text from its first records: one that splits every record into
 * the same number (≥ 2) of fields, else one that does so for at least 80% of them, else, when the
 * file's extension names a delimited format, the hinted delimiter if the header holds it. Without
 * a hint one record is not enough to call text delimited.
 */
export function sniffDelimiter(records: string[], hint: string | null): string | null {
  if (!records.length || (records.length < 2 && !hint)) return null;
  const order = hint ? [hint, ...CANDIDATES.filter((d) => d !== hint)] : CANDIDATES;
  const counts = new Map(order.map((d) => [d, records.map((r) => countFields(r, d))]));
  for (const d of order) {
    const c = counts.get(d)!;
    if (c[0]! >= 2 && c.every((n) => n === c[0])) return d;
  }
  if (records.length >= 3) {
    for (const d of order) {
      const c = counts.get(d)!;
      const header = c[0]!;
      if (header >= 2 && c.filter((n) => n === header).length >= 0.8 * c.length) return d;
    }
  }
  if (hint && counts.get(hint)![0]! >= 2) return hint;
  return null;
}

export type JsonLineKind = 'object' | 'other-json' | 'invalid';

export function jsonLineKind(line: string): JsonLineKind {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? 'object' : 'other-json';
  } catch {
    return 'invalid';
  }
}

/** Describes a JSON value's kind for messages: "an array", "a number"… */
export function describeJsonValue(line: string): string {
  try {
    const value: unknown = JSON.parse(line);
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return `a ${typeof value}`;
  } catch {
    return 'invalid JSON';
  }
}
