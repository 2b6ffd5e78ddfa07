const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` looks like an id (a UUID) rather than a name or prefix. */
export function isId(value: string): boolean {
  return UUID.test(value);
}
