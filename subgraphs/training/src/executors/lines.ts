/**
 * Splits a worker's byte stream into text lines. Chunks arrive cut anywhere (mid-line, mid-CRLF,
 * mid-character), so bytes are held until their line ends; a line longer than `MAX_LINE_BYTES` is
 * emitted cut, with a marker, as soon as it reaches the limit, so one endless line (a progress bar
 * without newlines, a binary dump) cannot grow memory without bound.
 */

/** The most bytes of one line that are kept; the rest of the line is dropped. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Appended to a line that was cut at `MAX_LINE_BYTES`. */
export const CUT_MARKER = ` … [line cut: longer than ${MAX_LINE_BYTES} bytes]`;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Turns pushed chunks into whole lines (without their `\n` or `\r\n`) passed to `onLine`. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** After a cut, the rest of that line is dropped up to its newline. */
  private skippingRestOfLine = false;

  constructor(private readonly onLine: (text: string) => void) {}

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, newline);
      start = newline + 1;
      if (this.skippingRestOfLine) {
        this.skippingRestOfLine = false;
        continue;
      }
      if (this.pendingBytes === 0) {
        this.emit(piece, true);
      } else {
        this.pending.push(piece);
        const line = Buffer.concat(this.pending, this.pendingBytes + piece.length);
        this.pending = [];
        this.pendingBytes = 0;
        this.emit(line, true);
      }
    }
    if (start >= chunk.length || this.skippingRestOfLine) return;
    // The rest of the chunk is the start of a line still being written; copy it, because the
    // caller may reuse the chunk's memory.
    const rest = Buffer.from(chunk.subarray(start));
    this.pending.push(rest);
    this.pendingBytes += rest.length;
    if (this.pendingBytes > MAX_LINE_BYTES) {
      const line = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.emit(line, false);
      this.skippingRestOfLine = true;
    }
  }

  /** Ends the stream: a last line without a newline is still a line. */
  end(): void {
    if (this.pendingBytes > 0) {
      const line = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.emit(line, true);
    }
    this.skippingRestOfLine = false;
  }

  private emit(line: Buffer, complete: boolean): void {
    if (line.length > MAX_LINE_BYTES) {
      this.onLine(line.subarray(0, utf8Boundary(line, MAX_LINE_BYTES)).toString('utf8') + CUT_MARKER);
      return;
    }
    const end =
      complete && line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
    this.onLine(line.toString('utf8', 0, end));
  }
}

/** The largest offset ≤ `limit` that does not fall inside a multi-byte UTF-8 character. */
function utf8Boundary(bytes: Buffer, limit: number): number {
  let offset = limit;
  // Continuation bytes look like 10xxxxxx; back up to the byte that starts the character.
  while (offset > 0 && (bytes[offset] & 0xc0) === 0x80) offset--;
  return offset;
}
