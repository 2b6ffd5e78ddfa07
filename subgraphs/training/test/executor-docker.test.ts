import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { InputError } from '@aitip/kit';
import { createDockerExecutor } from '../src/executors/docker.js';
import type { ExecutionSpec } from '../src/executors/executor.js';
import { CUT_MARKER, LineSplitter, MAX_LINE_BYTES } from '../src/executors/lines.js';
import { DockerStreamDemuxer } from '../src/executors/docker-logs.js';
import {
  makeAttemptDirs,
  makeSpec,
  removeAttemptDirs,
  runToEnd,
  startWatched,
  texts,
  type AttemptDirs,
} from './fixtures/executors/attempt.js';
import { TEST_IMAGE, ensureTestImage, requireDocker } from './fixtures/executors/busybox-image.js';

const docker = new Dockerode();
const executor = createDockerExecutor({ docker });
const started: string[] = [];
let dirs: AttemptDirs;

/** A spec for the test image; its name is remembered so that `after` can clean up behind a failed test. */
function dockerSpec(overrides: Partial<ExecutionSpec>): ExecutionSpec {
  const spec = makeSpec(dirs, { image: TEST_IMAGE, ...overrides });
  started.push(spec.name);
  return spec;
}

/** What the daemon still has of an attempt. */
async function leftovers(name: string): Promise<{ containers: number; networks: number }> {
  const filters = { label: [`aitip.dev/execution=${name}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return { containers: containers.length, networks: networks.length };
}

before(async () => {
  await requireDocker(docker);
  await ensureTestImage(docker);
  dirs = await makeAttemptDirs();
});
after(async () => {
  for (const name of started) await executor.cleanup!(name);
  // Undefined when Docker was not reachable and nothing was set up.
  if (dirs) await removeAttemptDirs(dirs);
});

describe('docker executor: what a job sees', () => {
  test('reads its inputs, writes its output and /workspace, as uid 1000 on a read-only root without network', async () => {
    process.env.AITIP_INTERNAL_SECRET = 'must-not-reach-jobs';
    const script = `
      id -u; id -g; pwd
      tail -n 1 /data/rows/rows.csv
      echo weights > "$AITIP_OUTPUT_DIR/model.txt"
      echo scratch > /workspace/scratch.txt
      echo tmp > /tmp/x && cat /tmp/x
      if touch /etc/x 2>/dev/null; then echo etc-writable; else echo etc-read-only; fi
      if touch /data/rows/x 2>/dev/null; then echo data-writable; else echo data-read-only; fi
      ls /sys/class/net
      if wget -q -O- http://10.1.2.3/ 2>/dev/null; then echo network; else echo no-network; fi
      grep -E '^(CapEff|NoNewPrivs)' /proc/self/status | tr -s '\\t' ' '
      env | sort`;
    const spec = dockerSpec({
      command: ['sh', '-c', script],
      env: { AITIP_JOB_ID: 'job-1' },
      inputs: [{ name: 'rows', hostPath: dirs.inputDir }],
      resources: { cpu: 0.5, memoryMiB: 64 },
    });
    await executor.check(spec);
    const { result, lines } = await runToEnd(executor, spec);
    delete process.env.AITIP_INTERNAL_SECRET;

    assert.equal(result.outcome, 'succeeded', `${result.message}\n${texts(lines, 'stderr').join('\n')}`);
    assert.deepEqual(result.workers, [{ rank: 0, exitCode: 0, signal: null, oomKilled: false }]);
    const stdout = texts(lines, 'stdout');
    assert.deepEqual(stdout.slice(0, 12), [
      '1000',
      '1000',
      '/workspace',
      '1,2',
      'tmp',
      'etc-read-only',
      'data-read-only',
      'lo',
      'no-network',
      'CapEff: 0000000000000000',
      'NoNewPrivs: 1',
      'AITIP_DATA_DIR=/data',
    ]);
    const env = new Map(
      stdout.slice(11).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    assert.equal(env.get('AITIP_OUTPUT_DIR'), '/workspace/output');
    assert.equal(env.get('AITIP_JOB_ID'), 'job-1');
    assert.equal(env.get('HOME'), '/workspace');
    assert.deepEqual(
      ['MASTER_ADDR', 'MASTER_PORT', 'WORLD_SIZE', 'RANK', 'LOCAL_RANK'].map((name) => env.get(name)),
      ['127.0.0.1', '29500', '1', '0', '0'],
    );
    assert.equal(env.has('AITIP_INTERNAL_SECRET'), false, 'the platform environment does not reach the job');
    assert.equal(await readFile(join(dirs.outputDir, 'model.txt'), 'utf8'), 'weights\n');
    assert.equal(await readFile(join(dirs.codeDir, 'scratch.txt'), 'utf8'), 'scratch\n');
    assert.equal((await stat(join(dirs.outputDir, 'model.txt'))).uid, 1000);
    assert.deepEqual(await leftovers(spec.name), { containers: 0, networks: 0 });
  });

  test('stdout and stderr are demultiplexed into lines, in order, long lines cut', async () => {
    const script = `echo out1; echo err1 >&2; echo out2
      head -c ${MAX_LINE_BYTES * 2} /dev/zero | tr '\\0' x; echo
      awk 'BEGIN { for (i = 0; i < 20000; i++) print "line " i }'
      echo err2 >&2; printf 'no newline'`;
    const { result, lines } = await runToEnd(executor, dockerSpec({ command: ['sh', '-c', script] }));
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(texts(lines, 'stderr'), ['err1', 'err2']);
    const stdout = texts(lines, 'stdout');
    assert.deepEqual(stdout.slice(0, 3), ['out1', 'out2', 'x'.repeat(MAX_LINE_BYTES) + CUT_MARKER]);
    assert.equal(stdout.length, 3 + 20000 + 1);
    assert.ok(stdout.slice(3, -1).every((text, i) => text === `line ${i}`));
    assert.equal(stdout.at(-1), 'no newline');
  });

  test('code in the image: /workspace is read-only, HOME is /tmp, the output directory is writable', async () => {
    const script = `echo "$HOME"; echo weights > "$AITIP_OUTPUT_DIR/in-image.txt"
      if touch /workspace/x 2>/dev/null; then echo workspace-writable; else echo workspace-read-only; fi
      ls /sys/class/net`;
    const spec = dockerSpec({ command: ['sh', '-c', script], codeDir: null, network: true });
    const { result, lines } = await runToEnd(executor, spec);
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(
      texts(lines, 'stdout'),
      ['/tmp', 'workspace-read-only', 'eth0', 'lo'],
      'network: true gives a network',
    );
    assert.equal(await readFile(join(dirs.outputDir, 'in-image.txt'), 'utf8'), 'weights\n');
  });

  test('the multiplexed stream is split into streams and lines across any chunking', () => {
    const frame = (stream: number, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const wire = Buffer.concat([
      frame(1, 'out 1\nout'),
      frame(2, 'err 1\n'),
      frame(1, ''),
      frame(1, ' 2\r\n'),
      frame(2, 'err 2'),
    ]);
    const lines: string[] = [];
    const demuxer = new DockerStreamDemuxer(
      new LineSplitter((text) => lines.push(`stdout: ${text}`)),
      new LineSplitter((text) => lines.push(`stderr: ${text}`)),
    );
    for (const byte of wire) demuxer.push(Buffer.from([byte]));
    demuxer.end();
    assert.deepEqual(lines, ['stdout: out 1', 'stderr: err 1', 'stdout: out 2', 'stderr: err 2']);
  });
});

describe('docker executor: failures', () => {
  test('a non-zero exit is a failure naming the worker and the code', async () => {
    const { result } = await runToEnd(executor, dockerSpec({ command: ['sh', '-c', 'exit 3'] }));
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, 'worker 0 exited with code 3');
    assert.deepEqual(result.workers, [{ rank: 0, exitCode: 3, signal: null, oomKilled: false }]);
  });

  test('a worker over its memory limit is reported as OOM with a hint to raise it', async () => {
    // tail keeps the one endless line in memory.
    const spec = dockerSpec({ command: ['sh', '-c', 'head -c 100m /dev/zero | tail'], resources: { memoryMiB: 16 } });
    const { result } = await runToEnd(executor, spec);
    assert.equal(result.outcome, 'oom', result.message);
    assert.equal(result.message, 'worker 0 was killed for using more than its memory limit of 16 MiB');
    assert.match(result.hint ?? '', /raise resources\.memoryMiB above 16/);
    assert.equal(result.workers[0].oomKilled, true);
  });

  test('an image that is not there is an InputError from check() and start()', async () => {
    const spec = dockerSpec({ image: 'aitip-test/nowhere:1' });
    const expected = (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(
        error.message,
        'image aitip-test/nowhere:1 not found on this Docker host; build it (npm run images) or push it, then submit again',
      );
      return true;
    };
    await assert.rejects(executor.check(spec), expected);
    await assert.rejects(executor.start(spec, { onLine() {} }), expected);
    assert.deepEqual(await leftovers(spec.name), { containers: 0, networks: 0 });
  });

  test('a daemon that cannot be reached is an InputError saying to start Docker or set DOCKER_HOST', async () => {
    const offline = createDockerExecutor({ docker: new Dockerode({ socketPath: '/nonexistent/docker.sock' }) });
    await assert.rejects(offline.check(dockerSpec({})), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /^cannot reach the Docker daemon at unix:\/\/\/nonexistent\/docker\.sock .*DOCKER_HOST/,
      );
      return true;
    });
  });

  test('check() rejects what the Docker host cannot give, naming its figures', async () => {
    const info = (await docker.info()) as { NCPU: number };
    await assert.rejects(
      executor.check(dockerSpec({ resources: { cpu: info.NCPU + 1 } })),
      new RegExp(`more than the Docker host has \\(${info.NCPU} CPUs\\)`),
    );
    await assert.rejects(executor.check(dockerSpec({ resources: { memoryMiB: 2 ** 30 } })), /MiB\); ask for at most/);
    await assert.rejects(executor.check(dockerSpec({ resources: { gpus: 1 } })), /has no nvidia runtime/);
    await assert.rejects(executor.check(dockerSpec({ image: undefined })), /the docker backend runs an image/);
  });
});

describe('docker executor: stopping', () => {
  test('the timeout stops the container, killing it after the grace period', async () => {
    // The shell ignores SIGTERM, so only the kill after the grace period ends it.
    const spec = dockerSpec({
      command: ['sh', '-c', `trap '' TERM; echo started; while true; do sleep 1; done`],
      timeoutSeconds: 1,
      graceSeconds: 1,
    });
    const { result, lines } = await runToEnd(executor, spec);
    assert.equal(result.outcome, 'timed_out');
    assert.equal(result.message, 'stopped after the time limit of 1 seconds');
    assert.deepEqual(texts(lines, 'stdout'), ['started']);
    assert.equal(result.workers[0].exitCode, 137);
    assert.deepEqual(await leftovers(spec.name), { containers: 0, networks: 0 });
  });

  test('cancel() stops a running attempt, whose containers carry the labels and limits asked for', async () => {
    const spec = dockerSpec({ command: ['sh', '-c', 'echo ready; sleep 300'], resources: { cpu: 1, memoryMiB: 32 } });
    const attempt = await startWatched(executor, spec);
    await attempt.waitForLine((line) => line.text === 'ready');

    const running = await executor.running!({ 'aitip.dev/job': spec.labels['aitip.dev/job'] });
    assert.deepEqual(
      running.map((entry) => entry.name),
      [spec.name],
    );
    const container = await docker.getContainer(`${spec.name}-0`).inspect();
    assert.equal(container.Config.Labels['aitip.dev/managed'], 'true');
    assert.equal(container.Config.Labels['aitip.dev/org'], 'org-test');
    assert.equal(container.Config.Labels['aitip.dev/attempt'], '1');
    assert.equal(container.Config.User, '1000:1000');
    const host = container.HostConfig as typeof container.HostConfig & { NanoCpus: number; ReadonlyRootfs: boolean };
    assert.deepEqual(
      [host.NetworkMode, host.ReadonlyRootfs, host.CapDrop, host.SecurityOpt, host.PidsLimit],
      ['none', true, ['ALL'], ['no-new-privileges'], 1024],
    );
    assert.deepEqual([host.NanoCpus, host.Memory, host.MemorySwap], [1e9, 32 * 2 ** 20, 32 * 2 ** 20]);

    await attempt.execution.cancel();
    const result = await attempt.execution.done;
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.message, 'cancelled');
    assert.deepEqual(await leftovers(spec.name), { containers: 0, networks: 0 });
    assert.deepEqual(await executor.running!({ 'aitip.dev/job': spec.labels['aitip.dev/job'] }), []);
  });
});

describe('docker executor: several workers', () => {
  test('rank 1 reaches rank 0 by MASTER_ADDR on an internal per-job network', async () => {
    const script = `echo "$MASTER_ADDR $MASTER_PORT $WORLD_SIZE $RANK $LOCAL_RANK $GROUP_RANK"
      if [ "$RANK" = 0 ]; then
        echo listening; nc -l -p "$MASTER_PORT"
      else
        until echo "hello from $RANK" | nc "$MASTER_ADDR" "$MASTER_PORT" 2>/dev/null; do sleep 0.2; done
      fi`;
    const spec = dockerSpec({ command: ['sh', '-c', script], workers: 2 });
    const attempt = await startWatched(executor, spec);
    await attempt.waitForLine((line) => line.text === 'listening');
    const [network] = await docker.listNetworks({ filters: { label: [`aitip.dev/execution=${spec.name}`] } });
    assert.equal(network.Name, spec.name);
    assert.equal(network.Internal, true);
    assert.equal(network.Labels?.['aitip.dev/managed'], 'true');
    assert.equal(network.Labels?.['aitip.dev/job'], spec.labels['aitip.dev/job']);

    const result = await attempt.execution.done;
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.equal(result.message, 'all 2 workers exited with code 0');
    const master = `${spec.name}-0`;
    assert.deepEqual(texts(attempt.lines, 'stdout', 0), [`${master} 29500 2 0 0 0`, 'listening', 'hello from 1']);
    assert.deepEqual(texts(attempt.lines, 'stdout', 1), [`${master} 29500 2 1 0 1`]);
    assert.deepEqual(await leftovers(spec.name), { containers: 0, networks: 0 });
  });

  test('one failing worker stops the others', async () => {
    const script = `if [ "$RANK" = 1 ]; then exit 5; fi; echo waiting; sleep 300`;
    const spec = dockerSpec({ command: ['sh', '-c', script], workers: 2 });
    const { result } = await runToEnd(executor, spec);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, 'worker 1 exited with code 5; the other workers were stopped');
    assert.equal(result.workers[1].exitCode, 5);
    assert.equal(result.workers[0].exitCode, 143, 'rank 0 ended by SIGTERM');
    assert.deepEqual(await leftovers(spec.name), { containers: 0, networks: 0 });
  });
});
