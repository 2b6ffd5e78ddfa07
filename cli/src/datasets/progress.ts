import { formatBytes, formatDuration } from './format.js';

const REDRAW_MS = 100;
const BAR_WIDTH = 24;
// the rate is measured over this window so a pause shows up in the ETA quickly
const RATE_WINDOW_MS = 5_000;

/** Whether progress may redraw one line in place: stderr is a terminal and not in CI. */
export function interactiveStderr(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stderr.isTTY) && !env['CI'];
}

interface Sample {
  at: number;
  bytes: number;
}

/**
 * A byte progress bar on stderr: `label [#####-----] 45% 5.4/12.0 MiB 3.1 MiB/s ETA 0:02`, redrawn
 * in place on a terminal; elsewhere (a pipe, CI) a plain line at each tenth of the way.
 */
export class ByteProgress {
  private done = 0;
  private readonly startedAt = Date.now();
  private readonly samples: Sample[] = [];
  private lastDraw = 0;
  private lastTenth = -1;
  private finished = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    /** Bytes already done before this run (a resumed upload); not counted in the rate. */
    private readonly initial = 0,
    private readonly interactive = interactiveStderr(),
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {
    this.done = initial;
    this.samples.push({ at: this.startedAt, bytes: initial });
    this.draw(true);
  }

  /** Counts `bytes` more (negative to take back what a failed attempt sent). */
  add(bytes: number): void {
    this.done = Math.max(0, this.done + bytes);
    this.draw(false);
  }

  /** Ends the bar with a summary line. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const seconds = (Date.now() - this.startedAt) / 1000;
    const sent = this.done - this.initial;
    const line =
      `${this.label}: ${formatBytes(this.done)} in ${formatDuration(seconds)}` +
      (seconds > 0 && sent > 0 ? ` (${formatBytes(sent / seconds)}/s)` : '');
    this.write(line, true);
  }

  /** Leaves the bar where it is (an error or an interruption follows). */
  stop(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.interactive) this.out.write('\n');
  }

  private rate(now: number): number {
    this.samples.push({ at: now, bytes: this.done });
    while (this.samples.length > 2 && now - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? Math.max(0, this.done - first.bytes) / seconds : 0;
  }

  private draw(force: boolean): void {
    if (this.finished) return;
    const now = Date.now();
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    if (this.interactive) {
      if (!force && now - this.lastDraw < REDRAW_MS) return;
    } else {
      const tenth = Math.floor(fraction * 10);
      // only forward (a failed part's bytes are taken back), and finish() says when it is done
      if (!force && (tenth <= this.lastTenth || fraction >= 1)) return;
      this.lastTenth = tenth;
    }
    this.lastDraw = now;
    const rate = this.rate(now);
    const eta = rate > 0 ? formatDuration((this.total - this.done) / rate) : '--:--';
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = this.interactive ? ` [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]` : '';
    this.write(
      `${this.label}${bar} ${Math.floor(fraction * 100)}% ${formatBytes(this.done)}/${formatBytes(this.total)} ` +
        `${formatBytes(rate)}/s ETA ${eta}`,
      false,
    );
  }

  private write(line: string, final: boolean): void {
    if (this.interactive) this.out.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else this.out.write(`${line}\n`);
  }
}

/** Progress of a step measured from 0 to 1 with a message (validation), on stderr. */
export class StepProgress {
  private lastLine = '';
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly interactive = interactiveStderr(),
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Shows where the step is; on a pipe only when the message or the tenth changes. */
  update(fraction: number, message: string): void {
    const percent = Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
    if (this.interactive) {
      const now = Date.now();
      if (now - this.lastDraw < REDRAW_MS && percent < 100) return;
      this.lastDraw = now;
      this.out.write(`\r\x1b[K${this.label} ${percent}% ${message}`);
      return;
    }
    const line = `${this.label} ${Math.floor(percent / 10) * 10}% ${message}`;
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.out.write(`${line}\n`);
  }

  /** Ends the step's line. */
  finish(): void {
    if (this.interactive && this.lastDraw > 0) this.out.write('\n');
    this.lastDraw = 0;
  }
}
