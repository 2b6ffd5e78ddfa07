#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { Benchmark, BenchmarkOptions } from './harness/benchmark.js';
import { routerOverhead } from './router-overhead/benchmark.js';
import { federation } from './federation/benchmark.js';
import { startup } from './startup/benchmark.js';
import { auth } from './auth/benchmark.js';
import { subscriptions } from './subscriptions/benchmark.js';
import { datasets } from './datasets/benchmark.js';
import { metrics } from './metrics/benchmark.js';
import { training } from './training/benchmark.js';

const benchmarks: Benchmark[] = [routerOverhead, federation, startup, auth, subscriptions, datasets, metrics, training];

function usage(): string {
  return [
    'Usage: npm run bench -- <name> [--rounds N] [--seconds N] [--connections N[,N...]] [--size-mib N]',
    '',
    'Benchmarks:',
    ...benchmarks.map((b) => `  ${b.name.padEnd(16)} ${b.description}`),
    '',
    'Results are printed as Markdown on stdout; progress goes to stderr.',
  ].join('\n');
}

/** `npm run bench -- <name>`: runs one benchmark and prints its Markdown tables. */
async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        rounds: { type: 'string' },
        seconds: { type: 'string' },
        connections: { type: 'string' },
        'size-mib': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage()}\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  const benchmark = benchmarks.find((b) => b.name === positionals[0]);
  if (values.help || !benchmark || positionals.length > 1) {
    if (positionals[0] && !benchmark) process.stderr.write(`Unknown benchmark "${positionals[0]}".\n\n`);
    process.stderr.write(usage() + '\n');
    return values.help ? 0 : 2;
  }
  const positive = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive whole number, got "${value}".`);
    return n;
  };
  const options: BenchmarkOptions = {
    rounds: values.rounds === undefined ? undefined : positive('rounds', values.rounds),
    seconds: values.seconds === undefined ? undefined : positive('seconds', values.seconds),
    connections: values.connections?.split(',').map((c) => positive('connections', c)),
    sizeMib: values['size-mib'] === undefined ? undefined : positive('size-mib', values['size-mib']),
  };
  await benchmark.run(options);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
