/**
 * What the Kubernetes backend needs of an attempt beyond the common `ExecutionSpec`, and the checks
 * that turn a spec Kubernetes would refuse (or run wrongly) into an `InputError` before any object is
 * sent: names and labels that are not DNS labels, file paths that leave the data directory, code that
 * only exists on this host.
 */
import { posix } from 'node:path';
import { InputError } from '@aitip/kit';
import type { ExecutionSpec } from './executor.js';

/**
 * An attempt as the Kubernetes backend runs it. A cluster shares no disk with the platform, so the
 * code comes as `codeArchiveUrl`, a presigned GET of a `.tar.gz` that is extracted into `/workspace`
 * (`codeDir` is not used), and inputs come as `files` URLs. Outputs: files written to
 * `AITIP_OUTPUT_DIR` are not collected by this backend (the pod's disk goes with the pod); jobs on
 * Kubernetes log their artifacts through the MLflow-compatible API, which needs `network: true`.
 */
export type KubernetesExecutionSpec = ExecutionSpec & { codeArchiveUrl?: string };

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const INPUT_NAME = /^[A-Za-z0-9_][-A-Za-z0-9_.]*$/;

/** Throws an `InputError` saying what to change when Kubernetes cannot run `spec` as given. */
export function validateKubernetesSpec(spec: KubernetesExecutionSpec): void {
  const indexWidth = String(Math.max(0, spec.workers - 1)).length;
  if (!DNS_LABEL.test(spec.name) || spec.name.length > 62 - indexWidth) {
    throw new InputError(
      `attempt name "${spec.name}" is not usable on Kubernetes: it must be lower-case letters, digits and '-', ` +
        `start with a letter and be at most ${62 - indexWidth} characters`,
    );
  }
  if (!spec.image) {
    throw new InputError(
      'the kubernetes backend runs a container image: set image in the job spec (e.g. aitip/pytorch:1)',
    );
  }
  if (spec.command.length === 0)
    throw new InputError('command is empty: give the program to run, e.g. [python3, train.py]');
  if (!Number.isInteger(spec.workers) || spec.workers < 1) {
    throw new InputError(`workers must be a whole number of at least 1, not ${spec.workers}`);
  }
  for (const [key, value] of Object.entries(spec.labels)) checkLabel(key, value);
  for (const name of Object.keys(spec.env)) {
    if (!ENV_NAME.test(name)) {
      throw new InputError(
        `env name "${name}" is not valid on Kubernetes: use letters, digits, '_', '-' and '.', not starting with a digit`,
      );
    }
  }
  checkResources(spec);
  if (spec.timeoutSeconds !== null && (!Number.isInteger(spec.timeoutSeconds) || spec.timeoutSeconds < 1)) {
    throw new InputError(`timeoutSeconds must be a whole number of seconds above 0, not ${spec.timeoutSeconds}`);
  }
  if (spec.codeArchiveUrl !== undefined) checkUrl(spec.codeArchiveUrl, 'the code archive');
  else if (spec.codeDir !== null) {
    throw new InputError(
      'the kubernetes backend cannot read code from a directory on this host: upload the code as an archive (codeArchiveUrl), or build it into the image',
    );
  }
  checkInputs(spec);
}

function checkLabel(key: string, value: string): void {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash === -1 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
  const keyOk =
    name.length <= 63 && LABEL_NAME.test(name) && (slash === -1 || (prefix.length <= 253 && LABEL_PREFIX.test(prefix)));
  if (!keyOk) throw new InputError(`label key "${key}" is not a valid Kubernetes label key`);
  if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
    throw new InputError(
      `label ${key}="${value}" is not a valid Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    );
  }
}

function checkResources({ resources }: ExecutionSpec): void {
  const { cpu, memoryMiB, gpus, gpuType } = resources;
  if (cpu !== undefined && !(Number.isFinite(cpu) && cpu >= 0.001)) {
    throw new InputError(`resources.cpu must be a number of cores of at least 0.001 (e.g. 0.5 or 2), not ${cpu}`);
  }
  if (memoryMiB !== undefined && !(Number.isInteger(memoryMiB) && memoryMiB >= 1)) {
    throw new InputError(`resources.memoryMiB must be a whole number of MiB above 0, not ${memoryMiB}`);
  }
  if (gpus !== undefined && !(Number.isInteger(gpus) && gpus >= 0)) {
    throw new InputError(`resources.gpus must be a whole number, not ${gpus}`);
  }
  if (gpuType !== undefined && (gpuType.length > 63 || !LABEL_NAME.test(gpuType))) {
    throw new InputError(`resources.gpuType "${gpuType}" cannot be a node label value: use a name such as nvidia-a100`);
  }
}

function checkInputs(spec: ExecutionSpec): void {
  const names = new Set<string>();
  for (const input of spec.inputs) {
    if (!INPUT_NAME.test(input.name) || input.name === '..' || names.has(input.name)) {
      throw new InputError(
        `input name "${input.name}" must be unique and a plain directory name (letters, digits, '-', '_', '.')`,
      );
    }
    names.add(input.name);
    if (!input.files) {
      throw new InputError(
        `input "${input.name}" has no files to fetch: the kubernetes backend cannot mount a directory of this host, it downloads each file from its URL`,
      );
    }
    for (const file of input.files) {
      const path = posix.normalize(file.path);
      if (!file.path || file.path.startsWith('/') || path === '.' || path.startsWith('../') || path === '..') {
        throw new InputError(
          `input "${input.name}" file path "${file.path}" must be a relative path inside the dataset`,
        );
      }
      checkUrl(file.url, `input "${input.name}" file "${file.path}"`);
    }
  }
}

function checkUrl(url: string, what: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new InputError(`${what} must be fetched from an http(s) URL the cluster can reach, not "${url}"`);
  }
}
