import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ChunkLines, DelayRecorder, type LogPathResult } from './lines.js';

/** The printer program (compiled next to this file). */
export const PRINTER = join(__dirname, 'printer.js');

/** The ceiling: the printer's stdout straight into a file; lines/s from start to exit. */
export async function pipeToFile(lines: number, file: string): Promise<LogPathResult> {
  const fd = openSync(file, 'w');
  const started = Date.now();
  const child = spawn(process.execPath, [PRINTER, String(lines)], { stdio: ['ignore', fd, 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (Date.now() - started) / 1000;
  closeSync(fd);
  if (code !== 0) throw new Error(`the printer exited with ${code}`);
  const written = statSync(file).size / 100;
  if (written !== lines) throw new Error(`the file holds ${written} lines, not ${lines}`);
  return { lines, seconds, linesPerSecond: lines / seconds, p50Ms: null, p99Ms: null };
}

/**
 * A minimal hand-built pipeline: the printer's lines, split as they come, each XADDed into a
 * Redis Stream (pipelined per chunk read from the pipe, capped at the run's line count so the
 * reader loses none), and a reader on
 * its own connection tailing the stream with XREAD BLOCK, recording each line's delay.
 */
export async function redisStreamScript(lines: number, redisUrl: string, stream: string): Promise<LogPathResult> {
  const writer = new Redis(redisUrl);
  const reader = new Redis(redisUrl);
  try {
    await writer.del(stream);
    const recorder = new DelayRecorder(lines);
    const reading = (async () => {
      let last = '0-0';
      for (;;) {
        const answer = (await reader.xread('COUNT', 10_000, 'BLOCK', 5_000, 'STREAMS', stream, last)) as Array<
          [string, Array<[string, string[]]>]
        > | null;
        if (!answer) throw new Error(`no line for 5 s after ${recorder.received} of ${lines}`);
        const now = Date.now();
        for (const [id, fields] of answer[0]![1]) {
          last = id;
          if (recorder.record(fields[1]!, now)) return;
        }
      }
    })();
    const started = Date.now();
    const child = spawn(process.execPath, [PRINTER, String(lines)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const split = new ChunkLines();
    // one pipelined batch in flight at a time: the pipe holds the printer back meanwhile, so lines
    // wait in the pipe (and the printer), not in this process
    for await (const chunk of child.stdout.setEncoding('utf8') as AsyncIterable<string>) {
      const batch = writer.pipeline();
      for (const text of split.push(chunk)) batch.xadd(stream, 'MAXLEN', '~', lines, '*', 'l', text);
      await batch.exec();
    }
    await reading;
    return recorder.result(started);
  } finally {
    await writer.del(stream).catch(() => undefined);
    writer.disconnect();
    reader.disconnect();
  }
}

/**
 * The start-latency reference: a bare `docker run --rm <image> echo up`, from the call until `up`
 * arrives (the container's process is running), milliseconds.
 */
export async function bareDockerRun(image: string): Promise<number> {
  const started = performance.now();
  const child = spawn('docker', ['run', '--rm', '--network', 'none', image, 'echo', 'up'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let firstOutput: number | null = null;
  child.stdout.once('data', () => (firstOutput = performance.now()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0 || firstOutput === null) throw new Error(`docker run ${image} exited with ${code}`);
  return firstOutput - started;
}
