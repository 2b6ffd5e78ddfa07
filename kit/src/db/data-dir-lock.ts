import { openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** Thrown when another live process holds the embedded database directory. */
export class DataDirectoryInUseError extends Error {}

/**
 * Takes `<dataDir>.lock` for this process. PGlite does not guard its files against a second
 * process, and two writers would corrupt them, so a second `npm start` on the same data directory
 * is refused. A lock left by a process that no longer runs is taken over.
 */
export function lockDataDirectory(dataDir: string): () => void {
  const path = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new DataDirectoryInUseError(
          `The embedded database in ${dataDir} is in use by process ${holder}. ` +
            'Stop that AITIP process first, or give this one its own AITIP_DATA_DIR.',
        );
      }
      unlinkSync(path); // stale: its process is gone
    }
  }
  throw new DataDirectoryInUseError(`Could not take the lock ${path}; another process keeps creating it.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
