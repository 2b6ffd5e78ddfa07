import { readRange } from './file-read.js';

/** Element types of NumPy arrays we can summarise. */
export type NpyKind = 'bool' | 'int' | 'uint' | 'float';

export interface NpyHeader {
  /** The dtype as written in the header, e.g. `<f4`. */
  dtype: string;
  kind: NpyKind;
  itemSize: number;
  littleEndian: boolean;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the array data. */
  dataOffset: number;
}

export class NpyError extends Error {}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
const MAX_HEADER_BYTES = 1024 * 1024;
const KINDS: Record<string, NpyKind> = { b: 'bool', '?': 'bool', i: 'int', u: 'uint', f: 'float' };

/** Reads and checks the header of a `.npy` file (format versions 1.0, 2.0 and 3.0). */
export async function readNpyHeader(localPath: string): Promise<NpyHeader> {
  const start = await readRange(localPath, 0, 12);
  if (start.length < 10 || !start.subarray(0, 6).equals(MAGIC))
    throw new NpyError('it does not start with the NumPy magic bytes');
  const major = start[6]!;
  if (major < 1 || major > 3)
    throw new NpyError(`it uses .npy format version ${major}.${start[7]}, which is not supported (1.0–3.0 are)`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (start.length < 8 + lengthBytes) throw new NpyError('it ends inside its header');
  const headerLength = major === 1 ? start.readUInt16LE(8) : start.readUInt32LE(8);
  if (headerLength > MAX_HEADER_BYTES)
    throw new NpyError(`its header claims ${headerLength} bytes, more than the 1 MiB allowed`);
  const dataOffset = 8 + lengthBytes + headerLength;
  const raw = await readRange(localPath, 8 + lengthBytes, headerLength);
  if (raw.length < headerLength) throw new NpyError('it ends inside its header');
  const text = raw.toString(major === 3 ? 'utf8' : 'latin1');
  let dict: unknown;
  try {
    dict = new PythonLiteral(text).parse();
  } catch (err) {
    throw new NpyError(`its header is not a valid dictionary (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!dict || typeof dict !== 'object' || Array.isArray(dict)) throw new NpyError('its header is not a dictionary');
  const { descr, fortran_order: fortranOrder, shape } = dict as Record<string, unknown>;
  if (typeof fortranOrder !== 'boolean') throw new NpyError('its header has no fortran_order flag');
  if (!Array.isArray(shape) || !shape.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0))
    throw new NpyError('its header has no valid shape');
  if (typeof descr !== 'string')
    throw new NpyError('it holds a structured (record) dtype; save each field as its own numeric array');
  return { ...parseDtype(descr), dtype: descr, shape: shape as number[], fortranOrder, dataOffset };
}

function parseDtype(descr: string): Pick<NpyHeader, 'kind' | 'itemSize' | 'littleEndian'> {
  const m = /^([<>|=])?([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) throw new NpyError(`its dtype "${descr}" is not understood; save a numeric array (np.save) instead`);
  const [, order = '=', code, sizeText] = m;
  if (code === 'O')
    throw new NpyError(
      `it holds Python objects (dtype "${descr}"), which are stored pickled; pickled arrays are not accepted because loading them can run code — save a numeric array instead`,
    );
  const size = Number(sizeText || '0');
  const kind = KINDS[code!];
  const itemSize = code === '?' ? 1 : size;
  const supported =
    (kind === 'bool' && itemSize === 1) ||
    ((kind === 'int' || kind === 'uint') && [1, 2, 4, 8].includes(itemSize)) ||
    (kind === 'float' && [2, 4, 8].includes(itemSize));
  if (!kind || !supported)
    throw new NpyError(
      `its dtype "${descr}" is not supported; save booleans, integers (1–8 bytes) or floats (2, 4 or 8 bytes), e.g. with arr.astype("float32")`,
    );
  return { kind, itemSize, littleEndian: order !== '>' };
}

/** Parses the subset of Python literals a .npy header uses: dicts, tuples, lists, strings, ints, booleans. */
class PythonLiteral {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): unknown {
    const value = this.value();
    this.space();
    if (this.at < this.text.length) throw new Error(`unexpected "${this.text.slice(this.at, this.at + 10)}"`);
    return value;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at += 1;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.sequence('{', '}', true);
    if (c === '(') return this.sequence('(', ')', false);
    if (c === '[') return this.sequence('[', ']', false);
    if (c === "'" || c === '"') return this.string(c);
    const m = /^(True|False|None|-?\d+L?)/.exec(this.text.slice(this.at));
    if (!m) throw new Error(`unexpected "${this.text.slice(this.at, this.at + 10)}"`);
    this.at += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace(/L$/, ''));
  }

  private string(quote: string): string {
    this.at += 1;
    let out = '';
    while (this.at < this.text.length && this.text[this.at] !== quote) {
      if (this.text[this.at] === '\\') this.at += 1;
      out += this.text[this.at] ?? '';
      this.at += 1;
    }
    if (this.text[this.at] !== quote) throw new Error('unterminated string');
    this.at += 1;
    return out;
  }

  private sequence(open: string, close: string, isDict: boolean): unknown {
    this.at += 1;
    const items: unknown[] = [];
    const dict: Record<string, unknown> = {};
    for (;;) {
      this.space();
      if (this.text[this.at] === close) {
        this.at += 1;
        return isDict ? dict : items;
      }
      const key = this.value();
      if (isDict) {
        this.space();
        if (this.text[this.at] !== ':') throw new Error('expected ":" in dictionary');
        this.at += 1;
        dict[String(key)] = this.value();
      } else items.push(key);
      this.space();
      if (this.text[this.at] === ',') this.at += 1;
      else if (this.text[this.at] !== close) throw new Error(`expected "," or "${close}"`);
    }
  }
}
