/**
 * The Docker backend: each worker is a container on one Docker host, locked down (non-root user,
 * read-only root with writable /workspace and /tmp, no capabilities, no-new-privileges, CPU, memory
 * and pids limits, no network unless asked); several workers share a network of their own.
 *
 * Bind mounts name paths on the Docker host, so the daemon must run on the platform's machine
 * (a local socket, or a DOCKER_HOST that shares this file system).
 */
import { stat } from 'node:fs/promises';
import Dockerode from 'dockerode';
import { InputError } from '@aitip/kit';
import type { ExecutionSpec, Executor } from './executor.js';
import { startDockerAttempt } from './docker-attempt.js';
import { EXECUTION_LABEL, MANAGED_LABEL, prepareWritableDirs } from './docker-container.js';
import { callDaemon, dockerStatus, imageMissingError } from './docker-errors.js';
import { checkSpecShape } from './local-spec.js';

export interface DockerExecutorOptions {
  /** The daemon client; default: from DOCKER_HOST, or the local socket. */
  docker?: Dockerode;
}

/** The Docker backend. */
export function createDockerExecutor(options: DockerExecutorOptions = {}): Executor {
  const docker = options.docker ?? new Dockerode();

  const requireImage = async (spec: ExecutionSpec): Promise<string> => {
    if (!spec.image) {
      throw new InputError('the docker backend runs an image: set image, e.g. aitip/base:1 or aitip/pytorch:1');
    }
    const image = spec.image;
    try {
      await callDaemon(docker, () => docker.getImage(image).inspect());
    } catch (error) {
      if (dockerStatus(error) === 404) throw imageMissingError(image);
      throw error;
    }
    return image;
  };

  return {
    backend: 'docker',

    async check(spec) {
      checkSpecShape(spec);
      const info = (await callDaemon(docker, () => docker.info())) as DockerInfo;
      checkHostFits(spec, info);
      await requireImage(spec);
      for (const input of spec.inputs) {
        const isDirectory = await stat(input.hostPath!).then(
          (s) => s.isDirectory(),
          () => false,
        );
        if (!isDirectory) {
          throw new InputError(
            `input "${input.name}": ${input.hostPath} is not a directory on the Docker host; materialize the dataset version again`,
          );
        }
      }
    },

    async start(spec, { onLine, flow }) {
      checkSpecShape(spec);
      await requireImage(spec);
      await prepareWritableDirs(spec);
      return startDockerAttempt(docker, spec, onLine, flow);
    },

    async running(labels) {
      const containers = await callDaemon(docker, () =>
        docker.listContainers({ filters: { label: labelFilters({ ...labels, [MANAGED_LABEL]: 'true' }) } }),
      );
      const attempts = new Map<string, Record<string, string>>();
      for (const container of containers) {
        const name = container.Labels[EXECUTION_LABEL];
        if (name && !attempts.has(name)) attempts.set(name, container.Labels);
      }
      return [...attempts].map(([name, attemptLabels]) => ({ name, labels: attemptLabels }));
    },

    async cleanup(name) {
      const filters = { label: labelFilters({ [MANAGED_LABEL]: 'true', [EXECUTION_LABEL]: name }) };
      const containers = await callDaemon(docker, () => docker.listContainers({ all: true, filters }));
      await Promise.all(
        containers.map((container) =>
          docker
            .getContainer(container.Id)
            .remove({ force: true, v: true })
            .catch((error: unknown) => {
              if (dockerStatus(error) !== 404) throw error;
            }),
        ),
      );
      const networks = await callDaemon(docker, () => docker.listNetworks({ filters }));
      for (const network of networks) {
        await docker
          .getNetwork(network.Id)
          .remove()
          .catch((error: unknown) => {
            if (dockerStatus(error) !== 404) throw error;
          });
      }
    },
  };
}

/** The smallest memory limit the daemon accepts. */
const MIN_MEMORY_MIB = 6;

/** The parts of `docker info` the checks read. */
interface DockerInfo {
  NCPU: number;
  MemTotal: number;
  Runtimes?: Record<string, unknown>;
}

function checkHostFits(spec: ExecutionSpec, info: DockerInfo): void {
  const { cpu, memoryMiB, gpus } = spec.resources;
  if (gpus && !info.Runtimes?.nvidia) {
    const runtimes = Object.keys(info.Runtimes ?? {}).join(', ') || 'none';
    throw new InputError(
      `resources.gpus is ${gpus} but the Docker host has no nvidia runtime (it has: ${runtimes}); install the NVIDIA Container Toolkit there, or set resources.gpus to 0`,
    );
  }
  // Every worker runs on this one Docker host, so what they ask for adds up.
  const workers = spec.workers === 1 ? '' : ` × ${spec.workers} workers`;
  if (cpu !== undefined && cpu * spec.workers > info.NCPU) {
    throw new InputError(
      `resources.cpu ${cpu}${workers} is more than the Docker host has (${info.NCPU} CPUs); ask for at most ${Math.floor((info.NCPU / spec.workers) * 100) / 100} per worker`,
    );
  }
  if (memoryMiB !== undefined && memoryMiB < MIN_MEMORY_MIB) {
    throw new InputError(
      `resources.memoryMiB ${memoryMiB} is below the least Docker allows (${MIN_MEMORY_MIB}); ask for more`,
    );
  }
  const hostMiB = Math.floor(info.MemTotal / 2 ** 20);
  if (memoryMiB !== undefined && memoryMiB * spec.workers > hostMiB) {
    throw new InputError(
      `resources.memoryMiB ${memoryMiB}${workers} is more than the Docker host has (${hostMiB} MiB); ask for at most ${Math.floor(hostMiB / spec.workers)} per worker`,
    );
  }
}

/** `key=value` filters, as the daemon's label filter takes them. */
function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}
