import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { UsageError } from './errors.js';

/** Whether the CLI may ask questions: stdin is a terminal. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}

/** Asks one question on the terminal (prompts go to stderr so stdout stays clean for --json). */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Asks for a secret without echoing what is typed. */
export async function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = rl.question(question);
    muted = true;
    return await answer;
  } finally {
    muted = false;
    rl.close();
    process.stderr.write('\n');
  }
}

/** Reads all of stdin (a password piped in), without the trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A value from its option, else asked on the terminal, else a UsageError naming the option. */
export async function valueOrAsk(value: string | undefined, question: string, option: string): Promise<string> {
  if (value) return value;
  if (!canPrompt()) throw new UsageError(`Give ${option}, or run the command in a terminal to be asked.`);
  const answer = await ask(question);
  if (!answer) throw new UsageError(`No answer given: give ${option}.`);
  return answer;
}

/** The password: from stdin with --password-stdin, else asked without echo (twice when `confirm`). */
export async function passwordFrom(options: { passwordStdin?: boolean }, confirm = false): Promise<string> {
  if (options.passwordStdin) {
    const password = await readStdin();
    if (!password) throw new UsageError('--password-stdin read an empty password: pipe the password into the command.');
    return password;
  }
  if (!canPrompt()) {
    throw new UsageError('Give the password on stdin with --password-stdin, or run the command in a terminal.');
  }
  const password = await askHidden('Password: ');
  if (!password) throw new UsageError('No password given.');
  if (confirm && (await askHidden('Repeat the password: ')) !== password) {
    throw new UsageError('The passwords do not match. Run the command again.');
  }
  return password;
}
