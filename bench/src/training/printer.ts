/**
 * The training benchmark's job: prints `count` lines of exactly 100 bytes (newline included) to
 * stdout as fast as the pipe takes them. Each line is `<seq> <ms since the epoch when written>`
 * padded with `x`, so a reader can tell every line's delay from print to receipt.
 *
 *   node printer.js <count>
 */
const LINE_BYTES = 100;
/** Lines per write: about 64 KiB, one pipe buffer. */
const LINES_PER_WRITE = 650;

function line(seq: number, at: number): string {
  const head = `${seq} ${at} `;
  return head + 'x'.repeat(LINE_BYTES - 1 - head.length) + '\n';
}

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  if (!Number.isSafeInteger(count) || count < 1) {
    process.stderr.write('usage: node printer.js <line count>\n');
    process.exit(2);
  }
  for (let seq = 0; seq < count;) {
    const at = Date.now();
    let chunk = '';
    for (let i = 0; i < LINES_PER_WRITE && seq < count; i++) chunk += line(seq++, at);
    if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

void main();
