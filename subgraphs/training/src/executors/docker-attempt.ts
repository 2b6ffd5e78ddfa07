/**
 * One attempt on Docker: its containers are created and attached to before any starts (so no line
 * is missed), watched until each has exited and its output has been read to the end, then removed
 * with the attempt's network.
 */
import type Dockerode from 'dockerode';
import type { Execution, ExecutionLine, ExecutionResult, ExecutionSpec, OutputFlow, WorkerResult } from './executor.js';
import { containerOptions, networkName, networkOptions } from './docker-container.js';
import { dockerMessage, dockerStatus, imageMissingError, isUnreachable, unreachableError } from './docker-errors.js';
import { followOutput, type FollowedOutput } from './docker-logs.js';
import { AttemptTracker, longTimer, type FailureWording } from './local-attempt.js';

const DEFAULT_GRACE_SECONDS = 10;
/** How long the output of an exited container may take to reach us before it is given up on. */
const OUTPUT_DRAIN_MS = 5000;

interface DockerWorker {
  rank: number;
  container: Dockerode.Container;
  output: FollowedOutput;
  ended: boolean;
}

/** Creates, attaches to and starts every worker's container; rejects, leaving nothing behind, when any fails. */
export async function startDockerAttempt(
  docker: Dockerode,
  spec: ExecutionSpec,
  onLine: (line: ExecutionLine) => void,
  flow?: OutputFlow,
): Promise<Execution> {
  const workers: DockerWorker[] = [];
  const created: Dockerode.Container[] = [];
  let network: Dockerode.Network | null = null;
  try {
    if (networkName(spec)) network = await docker.createNetwork(networkOptions(spec));
    for (let rank = 0; rank < spec.workers; rank++) {
      const container = await docker.createContainer(containerOptions(spec, rank));
      created.push(container);
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      workers.push({ rank, container, output: followOutput(stream, rank, onLine, flow), ended: false });
    }
    for (const worker of workers) await worker.container.start();
  } catch (error) {
    for (const worker of workers) worker.output.abandon();
    await removeAttempt(created, network);
    throw startError(docker, spec, error);
  }
  return watchAttempt(spec, workers, network);
}

function startError(docker: Dockerode, spec: ExecutionSpec, error: unknown): Error {
  if (isUnreachable(error)) return unreachableError(docker, error);
  if (dockerStatus(error) === 404 && /image/i.test(dockerMessage(error))) return imageMissingError(spec.image!);
  if (dockerStatus(error) === 409) {
    return new Error(
      `Docker already has a container or network named after attempt ${spec.name}; an earlier try left it behind, so clean the attempt up (executor.cleanup) before starting it again: ${dockerMessage(error)}`,
      { cause: error },
    );
  }
  return new Error(`Docker could not start attempt ${spec.name}: ${dockerMessage(error)}`, { cause: error });
}

function watchAttempt(spec: ExecutionSpec, workers: DockerWorker[], network: Dockerode.Network | null): Execution {
  const tracker = new AttemptTracker(spec);
  const graceSeconds = spec.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  let stopping: Promise<void> | null = null;
  // Docker sends the stop signal, waits the grace period, then kills: the same contract as ours.
  const stopAll = () =>
    (stopping ??= Promise.all(
      workers.filter((worker) => !worker.ended).map((worker) => stopContainer(worker.container, graceSeconds)),
    ).then(() => undefined));

  const timer =
    spec.timeoutSeconds === null
      ? null
      : longTimer(spec.timeoutSeconds * 1000, () => {
          if (tracker.stopRequested('timed_out')) void stopAll();
        });

  const done: Promise<ExecutionResult> = Promise.all(
    workers.map(async (worker) => {
      const { result, wording } = await waitForWorker(worker);
      worker.ended = true;
      if (tracker.workerEnded(result, wording)) void stopAll();
    }),
  ).then(async () => {
    timer?.cancel();
    await stopping;
    await removeAttempt(
      workers.map((worker) => worker.container),
      network,
    );
    return tracker.result();
  });

  return {
    done,
    async cancel() {
      if (tracker.stopRequested('cancelled')) void stopAll();
      await done;
    },
  };
}

/** Waits until the worker's container has exited and all its output is read, then reads its end state. */
async function waitForWorker(worker: DockerWorker): Promise<{ result: WorkerResult; wording?: FailureWording }> {
  const { rank, container, output } = worker;
  try {
    const exit = (await container.wait()) as { StatusCode: number };
    let drainTimer: NodeJS.Timeout | undefined;
    const drainGiveUp = new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, OUTPUT_DRAIN_MS)));
    await Promise.race([output.ended, drainGiveUp]);
    clearTimeout(drainTimer);
    output.abandon();
    const { State } = await container.inspect();
    return { result: { rank, exitCode: State.ExitCode ?? exit.StatusCode, signal: null, oomKilled: State.OOMKilled } };
  } catch (error) {
    output.abandon();
    return {
      result: { rank, exitCode: null, signal: null, oomKilled: false },
      wording: {
        outcome: 'infrastructure',
        message: `lost track of worker ${rank}'s container: ${dockerMessage(error)}`,
      },
    };
  }
}

async function stopContainer(container: Dockerode.Container, graceSeconds: number): Promise<void> {
  try {
    // The daemon takes whole seconds.
    await container.stop({ t: Math.ceil(graceSeconds) });
  } catch (error) {
    // 304: it had already stopped; 404: it is gone. Otherwise force it, as a stop must not fail.
    const status = dockerStatus(error);
    if (status === 304 || status === 404) return;
    await container.kill().catch(() => undefined);
  }
}

/**
 * Removes the attempt's containers and network. A failure here leaves objects that carry the
 * attempt's labels; `cleanup(name)` finds and removes them later, so the attempt's result stands.
 */
async function removeAttempt(containers: Dockerode.Container[], network: Dockerode.Network | null): Promise<void> {
  await Promise.all(containers.map((container) => container.remove({ force: true, v: true }).catch(() => undefined)));
  await network?.remove().catch(() => undefined);
}
