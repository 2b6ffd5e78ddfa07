const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a textual UUID; lookups answer null for anything else instead of a database error. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
