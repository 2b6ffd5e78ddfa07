import { createReadStream } from 'node:fs';
import { Agent, request } from 'node:http';
import { pipeline } from 'node:stream/promises';

/** Parts sent at the same time, by both paths (the web app and the CLI send 4 as well). */
export const PART_CONCURRENCY = 4;

/** One presigned part URL of a multipart upload. */
export interface PartUrl {
  partNumber: number;
  url: string;
}

/** A part the storage accepted: its number and the ETag it answered with. */
export interface SentPart {
  partNumber: number;
  etag: string;
}

// keep-alive sockets, PART_CONCURRENCY at most, shared by both paths so neither pays extra handshakes
const agent = new Agent({ keepAlive: true, maxSockets: PART_CONCURRENCY });

/**
 * PUTs the first `size` bytes of `file` as parts of `partSize` bytes to their presigned URLs,
 * `PART_CONCURRENCY` at a time. Each part is streamed from its byte range of the file with an
 * exact Content-Length (S3 refuses chunked part uploads), so the file is never held in memory.
 */
export async function putParts(file: string, size: number, partSize: number, urls: PartUrl[]): Promise<SentPart[]> {
  const queue = [...urls].sort((a, b) => a.partNumber - b.partNumber);
  const sent: SentPart[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const start = (next.partNumber - 1) * partSize;
      const end = Math.min(size, start + partSize);
      if (start >= end) throw new Error(`Part ${next.partNumber} starts past the end of the ${size} bytes to send.`);
      sent.push({ partNumber: next.partNumber, etag: await putRange(file, start, end, next.url) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, queue.length) }, worker));
  return sent.sort((a, b) => a.partNumber - b.partNumber);
}

/** PUTs bytes [start, end) of `file` to `url`; returns the response's ETag. */
function putRange(file: string, start: number, end: number, url: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request(url, { method: 'PUT', agent, headers: { 'content-length': end - start } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const etag = res.headers.etag;
        if (res.statusCode !== 200 || !etag) {
          const body = Buffer.concat(chunks).toString('utf8').slice(0, 500);
          reject(
            new Error(
              `PUT of bytes ${start}-${end - 1} answered HTTP ${res.statusCode} ${etag ? '' : 'without ETag '}${body}`,
            ),
          );
        } else {
          resolve(etag.replace(/"/g, ''));
        }
      });
    });
    req.on('error', reject);
    pipeline(createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 }), req).catch(reject);
  });
}
