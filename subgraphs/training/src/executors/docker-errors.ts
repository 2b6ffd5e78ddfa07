/** Turning the Docker daemon's failures into errors that say what to do. */
import type Dockerode from 'dockerode';
import { InputError } from '@aitip/kit';

/** An error from dockerode: an HTTP answer of the daemon, or a failed connection. */
interface DockerCallError extends Error {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);

/** The daemon's HTTP status of a failed call; undefined when it was not an HTTP answer. */
export function dockerStatus(error: unknown): number | undefined {
  return (error as DockerCallError | null)?.statusCode;
}

/** The daemon's own words for a failed call, without dockerode's prefix. */
export function dockerMessage(error: unknown): string {
  const callError = error as DockerCallError;
  return callError?.json?.message ?? callError?.message ?? String(error);
}

/** Whether the call failed because the daemon could not be reached at all. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as DockerCallError | null)?.code;
  return code !== undefined && CONNECTION_ERRORS.has(code);
}

/** Where `docker` sends its calls, as DOCKER_HOST would say it. */
export function daemonAddress(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: string | number; protocol?: string };
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  return `${modem.protocol ?? 'http'}://${modem.host ?? 'localhost'}${modem.port ? `:${modem.port}` : ''}`;
}

/** The error for a daemon that cannot be reached. */
export function unreachableError(docker: Dockerode, error: unknown): InputError {
  return new InputError(
    `cannot reach the Docker daemon at ${daemonAddress(docker)} (${dockerMessage(error)}); start Docker (on a development machine: bash scripts/docker.sh) or set DOCKER_HOST to a daemon that runs`,
    { backend: 'docker' },
  );
}

/** The error for an image that is not on the Docker host. */
export function imageMissingError(image: string): InputError {
  return new InputError(
    `image ${image} not found on this Docker host; build it (npm run images) or push it, then submit again`,
    { image },
  );
}

/**
 * Runs one call to the daemon; a daemon that cannot be reached becomes an `InputError` that says to
 * start Docker or set DOCKER_HOST. Other failures pass through unchanged.
 */
export async function callDaemon<T>(docker: Dockerode, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isUnreachable(error)) throw unreachableError(docker, error);
    throw error;
  }
}
