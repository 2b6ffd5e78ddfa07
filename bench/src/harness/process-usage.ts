import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User plus system CPU seconds a process has used so far (utime + stime of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name in parentheses may contain spaces; the fields after it are fixed
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicksPerSecond();
}

/** Resident memory of a process in bytes: now (VmRSS) and at its peak (VmHWM). */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}.`);
    return Number(match[1]) * 1024;
  };
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** What the machine looked like: CPUs, load average before and after, Node version. */
export function machineNote(loadBefore: number): string {
  const loadAfter = loadavg()[0] ?? 0;
  return `${availableParallelism()} CPUs, 1-minute load average ${loadBefore.toFixed(2)} before / ${loadAfter.toFixed(2)} after, Node ${process.version}`;
}

/**
 * Waits until the processes have gone (nearly) idle, so that work left over from one load round
 * (requests still in flight when the client stopped) does not run into the next round.
 */
export async function waitForIdle(pids: number[], maxSeconds = 15): Promise<void> {
  const intervalMs = 250;
  const deadline = performance.now() + maxSeconds * 1000;
  let previous = pids.map(cpuSeconds);
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const now = pids.map(cpuSeconds);
    const busiest = Math.max(...now.map((cpu, i) => cpu - previous[i]!));
    previous = now;
    // under 10 % of one core: timers and idle connections, not requests
    if (busiest < (intervalMs / 1000) * 0.1) return;
  }
}
