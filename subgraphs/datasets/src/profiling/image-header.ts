import { crc32 } from 'node:zlib';

export type ImageKind = 'png' | 'jpeg';

export type ImageSize = { kind: ImageKind; width: number; height: number };
/** What the reader knows so far: a size, why there is none, or null while it needs more bytes. */
export type ImageSizeResult = ImageSize | { error: string } | null;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Signature, IHDR length and type, 13 bytes of IHDR data and its CRC. */
const PNG_HEADER_BYTES = 8 + 8 + 13 + 4;

/** Frame markers (SOF0…SOF15 but DHT, JPG and DAC) carry the image size. */
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers without a length field. */
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd8);

/**
 * Finds the width and height of a PNG (IHDR) or JPEG (SOFn frame header) from its first bytes,
 * fed chunk by chunk; skipped JPEG segments are not kept in memory.
 */
export class ImageSizeReader {
  private kind: ImageKind | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private skip = 0;
  private started = false;
  private result: ImageSizeResult = null;

  get done(): boolean {
    return this.result !== null;
  }

  push(chunk: Buffer): ImageSizeResult {
    if (this.result) return this.result;
    if (this.skip) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
      if (!chunk.length) return null;
    }
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.kind) {
      if (buf.length < 8 && buf.equals(PNG_SIGNATURE.subarray(0, buf.length))) return this.keep(buf, 0);
      if (buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE)) this.kind = 'png';
      else if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) this.kind = 'jpeg';
      else if (buf.length < 3 && buf.every((b, i) => b === [0xff, 0xd8, 0xff][i])) return this.keep(buf, 0);
      else return this.finish({ error: 'it is not a PNG or JPEG image' });
    }
    return this.kind === 'png' ? this.png(buf) : this.jpeg(buf);
  }

  /** Call when the entry's bytes end; a size not found by then is an error. */
  end(): ImageSize | { error: string } {
    if (this.result) return this.result;
    const error = this.kind ? `its ${this.kind === 'png' ? 'PNG' : 'JPEG'} header is cut short` : 'it is empty';
    return this.finish({ error }) as { error: string };
  }

  private keep(buf: Buffer, from: number): null {
    this.pending = Buffer.from(buf.subarray(from));
    return null;
  }

  private finish(result: ImageSize | { error: string }): ImageSize | { error: string } {
    this.result = result;
    this.pending = Buffer.alloc(0);
    return result;
  }

  private png(buf: Buffer): ImageSizeResult {
    if (buf.length < PNG_HEADER_BYTES) return this.keep(buf, 0);
    if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR')
      return this.finish({ error: 'its PNG header does not start with an IHDR chunk' });
    const expectedCrc = buf.readUInt32BE(29);
    if (crc32(buf.subarray(12, 29)) !== expectedCrc)
      return this.finish({ error: 'its PNG header is corrupt (IHDR checksum mismatch)' });
    const width = buf.readUInt32BE(16);
    const height = buf.readUInt32BE(20);
    if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
      return this.finish({ error: `its PNG header gives an impossible size ${width}×${height}` });
    return this.finish({ kind: 'png', width, height });
  }

  private jpeg(buf: Buffer): ImageSizeResult {
    let at = 0;
    if (!this.started) {
      at = 2;
      this.started = true;
    }
    for (;;) {
      if (buf.length - at < 2) return this.keep(buf, at);
      if (buf[at] !== 0xff) return this.finish({ error: 'its JPEG data is corrupt (expected a marker)' });
      const marker = buf[at + 1]!;
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      if (isStandalone(marker)) {
        at += 2;
        continue;
      }
      if (marker === 0xd9 || marker === 0xda)
        return this.finish({ error: 'its JPEG data has no frame header before the image data' });
      if (buf.length - at < 4) return this.keep(buf, at);
      const length = buf.readUInt16BE(at + 2);
      if (length < 2) return this.finish({ error: 'its JPEG data is corrupt (bad segment length)' });
      if (isStartOfFrame(marker)) {
        if (buf.length - at < 9) return this.keep(buf, at);
        const height = buf.readUInt16BE(at + 5);
        const width = buf.readUInt16BE(at + 7);
        if (width === 0 || height === 0)
          return this.finish({ error: `its JPEG frame header gives an impossible size ${width}×${height}` });
        return this.finish({ kind: 'jpeg', width, height });
      }
      const next = at + 2 + length;
      if (next <= buf.length) {
        at = next;
        continue;
      }
      this.skip = next - buf.length;
      this.pending = Buffer.alloc(0);
      return null;
    }
  }
}
