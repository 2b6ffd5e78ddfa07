/**
 * A double as JSON, protobuf's JSON mapping and PostgreSQL's float8 input all take it: the number,
 * or NaN, Infinity and -Infinity spelled as the strings "NaN", "Infinity" and "-Infinity".
 */
export const numberOrText = (value: number): number | string => (Number.isFinite(value) ? value : String(value));
