/** How many entries a stream keeps when `append` is not told otherwise. */
export const DEFAULT_STREAM_MAX_LEN = 10_000;

/** The id before every other id: reading "after" it reads from the start. */
export const STREAM_START = '0-0';

/** Splits a `<ms>-<seq>` stream id; a bare `<ms>` means sequence 0, as in Redis. */
function parseStreamId(id: string): [number, number] {
  const [ms = '', seq = '0'] = id.split('-');
  const parsed: [number, number] = [Number(ms), Number(seq)];
  if (!Number.isSafeInteger(parsed[0]) || !Number.isSafeInteger(parsed[1]) || parsed[0] < 0 || parsed[1] < 0) {
    throw new Error(`"${id}" is not a stream id; expected <milliseconds>-<sequence>`);
  }
  return parsed;
}

/** Orders stream ids numerically, the way Redis does (lexical order would put 10-0 before 9-0). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = parseStreamId(a);
  const [bMs, bSeq] = parseStreamId(b);
  return aMs - bMs || aSeq - bSeq;
}

/** The id an entry appended now gets, given the stream's last id: time-based and strictly increasing. */
export function nextStreamId(lastId: string | undefined, now = Date.now()): string {
  if (lastId === undefined) return `${now}-0`;
  const [lastMs, lastSeq] = parseStreamId(lastId);
  return now > lastMs ? `${now}-0` : `${lastMs}-${lastSeq + 1}`;
}
