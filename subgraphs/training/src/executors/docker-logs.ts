/**
 * Reading a container's output. Without a TTY the daemon sends stdout and stderr over one
 * connection as frames: an 8-byte header (stream type: 1 stdout, 2 stderr; three zero bytes;
 * payload length, 32-bit big-endian) then the payload. Frames are cut across chunks anywhere, so
 * the header and payload are tracked as a small state machine and payloads go straight to each
 * stream's line splitter without being copied together.
 */
import { applyOutputFlow, type ExecutionLine, type OutputFlow } from './executor.js';
import { LineSplitter } from './lines.js';

const HEADER_BYTES = 8;
const STDERR = 2;

/** Splits the daemon's multiplexed stream into stdout and stderr lines. */
export class DockerStreamDemuxer {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerBytes = 0;
  private payloadLeft = 0;
  private target: LineSplitter;

  constructor(
    private readonly stdout: LineSplitter,
    private readonly stderr: LineSplitter,
  ) {
    this.target = stdout;
  }

  /** Feeds the next chunk read from the daemon. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft === 0) {
        const take = Math.min(HEADER_BYTES - this.headerBytes, chunk.length - offset);
        chunk.copy(this.header, this.headerBytes, offset, offset + take);
        this.headerBytes += take;
        offset += take;
        if (this.headerBytes < HEADER_BYTES) return;
        this.headerBytes = 0;
        this.target = this.header[0] === STDERR ? this.stderr : this.stdout;
        this.payloadLeft = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.payloadLeft, chunk.length - offset);
      this.target.push(chunk.subarray(offset, offset + take));
      this.payloadLeft -= take;
      offset += take;
    }
  }

  /** Ends both streams, passing on their last lines. */
  end(): void {
    this.stdout.end();
    this.stderr.end();
  }
}

/** The output of one worker's container, followed until the daemon closes the stream. */
export interface FollowedOutput {
  /** Resolves when the stream has ended and every line has been passed on. */
  readonly ended: Promise<void>;
  /** Stops reading (the daemon did not close the stream after the container ended). */
  abandon(): void;
}

/** Passes every line of a container's attach stream to `onLine`, tagged with `rank`. */
export function followOutput(
  stream: NodeJS.ReadableStream,
  rank: number,
  onLine: (line: ExecutionLine) => void,
  flow?: OutputFlow,
): FollowedOutput {
  const demuxer = new DockerStreamDemuxer(
    new LineSplitter((text) => onLine({ rank, stream: 'stdout', text, at: Date.now() })),
    new LineSplitter((text) => onLine({ rank, stream: 'stderr', text, at: Date.now() })),
  );
  stream.on('data', (chunk: Buffer) => {
    demuxer.push(chunk);
    applyOutputFlow(flow, [stream]);
  });
  const ended = new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      demuxer.end();
      resolve();
    };
    // A broken connection ends the output like a closed one: what arrived is kept, and the
    // container's exit status still comes from the daemon.
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  return {
    ended,
    abandon() {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    },
  };
}
