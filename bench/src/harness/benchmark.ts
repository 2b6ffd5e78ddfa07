/** Settings a benchmark run accepts from the command line; each benchmark has its own defaults. */
export interface BenchmarkOptions {
  rounds?: number;
  /** Seconds of load per target and round. */
  seconds?: number;
  /** Concurrent connections (a list where a benchmark loads at several levels). */
  connections?: number[];
  /** Size of the generated input files in MiB (benchmarks that upload or read files). */
  sizeMib?: number;
}

/** One benchmark that `npm run bench -- <name>` can run. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchmarkOptions): Promise<void>;
}

/** Progress goes to stderr so that stdout holds only the Markdown results. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** `items` rotated left by `by` places, so each round starts with another target. */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
