/**
 * Checks of a spec's shape that every host-based backend (local, Docker) makes before it runs
 * anything; what the host can give (commands, images, CPUs) is each backend's own check.
 */
import { InputError } from '@aitip/kit';
import type { ExecutionSpec } from './executor.js';

/** Input names become directory names; anything else could escape the data root. */
const INPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws an `InputError` naming the first field of `spec` that no backend could run. */
export function checkSpecShape(spec: ExecutionSpec): void {
  if (spec.command.length === 0 || !spec.command[0]) {
    throw new InputError('command is empty; give the program to run and its arguments, e.g. [python3, train.py]');
  }
  if (!Number.isInteger(spec.workers) || spec.workers < 1) {
    throw new InputError(`workers must be a whole number of at least 1, not ${spec.workers}`);
  }
  if (spec.timeoutSeconds !== null && !(spec.timeoutSeconds > 0)) {
    throw new InputError(`timeoutSeconds must be more than 0 (or left out for no limit), not ${spec.timeoutSeconds}`);
  }
  if (spec.graceSeconds !== undefined && !(spec.graceSeconds >= 0)) {
    throw new InputError(`graceSeconds must be 0 or more, not ${spec.graceSeconds}`);
  }
  if (spec.command.some((arg) => arg.includes('\0'))) {
    throw new InputError('command holds a NUL character, which no program can receive; remove it');
  }
  for (const [name, value] of Object.entries(spec.env)) {
    if (!name || name.includes('=') || name.includes('\0')) {
      throw new InputError(`env name "${name}" is not a valid variable name; use letters, digits and _`);
    }
    if (value.includes('\0')) throw new InputError(`env ${name} holds a NUL character, which no program can receive`);
  }
  const seen = new Set<string>();
  for (const input of spec.inputs) {
    if (!INPUT_NAME.test(input.name)) {
      throw new InputError(
        `input name "${input.name}" cannot be a directory name; use letters, digits, ".", "_" and "-" (at most 128)`,
      );
    }
    if (seen.has(input.name))
      throw new InputError(`input name "${input.name}" is used twice; give each input its own name`);
    seen.add(input.name);
    if (!input.hostPath) throw missingHostPath(input.name);
  }
  const { cpu, memoryMiB, gpus, pids } = spec.resources;
  if (cpu !== undefined && !(cpu > 0)) throw new InputError(`resources.cpu must be more than 0, not ${cpu}`);
  if (memoryMiB !== undefined && !(memoryMiB > 0)) {
    throw new InputError(`resources.memoryMiB must be more than 0, not ${memoryMiB}`);
  }
  if (gpus !== undefined && !(Number.isInteger(gpus) && gpus >= 0)) {
    throw new InputError(`resources.gpus must be a whole number of 0 or more, not ${gpus}`);
  }
  if (pids !== undefined && !(Number.isInteger(pids) && pids >= 1)) {
    throw new InputError(`resources.pids must be a whole number of at least 1, not ${pids}`);
  }
}

/** The error for an input that has no files on this host. */
export function missingHostPath(name: string): InputError {
  return new InputError(
    `input "${name}" has no host directory; the local and Docker backends read dataset files from this host, so materialize the dataset version first`,
    { input: name },
  );
}
