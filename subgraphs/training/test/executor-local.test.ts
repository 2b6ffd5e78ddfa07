import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, realpath, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@aitip/kit';
import { createLocalExecutor } from '../src/executors/local.js';
import { CUT_MARKER, LineSplitter, MAX_LINE_BYTES } from '../src/executors/lines.js';
import {
  makeAttemptDirs,
  makeSpec,
  removeAttemptDirs,
  runToEnd,
  startWatched,
  texts,
  type AttemptDirs,
} from './fixtures/executors/attempt.js';
import { isRunning } from './fixtures/executors/processes.js';

const executor = createLocalExecutor();
const node = process.execPath;
let dirs: AttemptDirs;

before(async () => {
  dirs = await makeAttemptDirs();
});
after(async () => {
  await removeAttemptDirs(dirs);
});

describe('local executor: what a job sees', () => {
  test('runs in the code directory with a clean env, its inputs and its output directory', async () => {
    process.env.AITIP_INTERNAL_SECRET = 'must-not-reach-jobs';
    const script = `
      const fs = require('node:fs');
      console.log(JSON.stringify({ cwd: process.cwd(), env: process.env }));
      console.log(fs.readFileSync(process.env.AITIP_DATA_DIR + '/rows/rows.csv', 'utf8').split('\\n')[1]);
      fs.writeFileSync(process.env.AITIP_OUTPUT_DIR + '/model.txt', 'weights');
      fs.writeFileSync('scratch.txt', 'the working directory is writable');`;
    const spec = makeSpec(dirs, {
      command: [node, '-e', script],
      env: { AITIP_JOB_ID: 'job-1', EPOCHS: '3' },
      inputs: [{ name: 'rows', hostPath: dirs.inputDir }],
    });
    await executor.check(spec);
    const { result, lines } = await runToEnd(executor, spec);
    delete process.env.AITIP_INTERNAL_SECRET;

    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(result.workers, [{ rank: 0, exitCode: 0, signal: null, oomKilled: false }]);
    const [seen, row] = texts(lines, 'stdout');
    const { cwd, env } = JSON.parse(seen) as { cwd: string; env: Record<string, string> };
    assert.equal(cwd, await realpath(dirs.codeDir));
    assert.deepEqual(Object.keys(env).sort(), [
      'AITIP_DATA_DIR',
      'AITIP_JOB_ID',
      'AITIP_OUTPUT_DIR',
      'EPOCHS',
      'GROUP_RANK',
      'HOME',
      'LANG',
      'LOCAL_RANK',
      'LOCAL_WORLD_SIZE',
      'MASTER_ADDR',
      'MASTER_PORT',
      'PATH',
      'RANK',
      'WORLD_SIZE',
    ]);
    assert.equal(env.HOME, dirs.codeDir);
    assert.equal(env.AITIP_OUTPUT_DIR, dirs.outputDir);
    assert.equal(env.AITIP_JOB_ID, 'job-1');
    assert.deepEqual([env.WORLD_SIZE, env.RANK, env.LOCAL_RANK, env.MASTER_ADDR], ['1', '0', '0', '127.0.0.1']);
    assert.equal(row, '1,2');
    assert.equal(await readFile(join(dirs.outputDir, 'model.txt'), 'utf8'), 'weights');
    assert.equal(await readFile(join(dirs.codeDir, 'scratch.txt'), 'utf8'), 'the working directory is writable');
  });

  test('a job without code runs in a fresh directory under the scratch directory', async () => {
    const spec = makeSpec(dirs, { codeDir: null, command: ['sh', '-c', 'pwd; echo "$HOME"'] });
    const { result, lines } = await runToEnd(executor, spec);
    assert.equal(result.outcome, 'succeeded', result.message);
    const [cwd, home] = texts(lines, 'stdout');
    assert.equal(cwd, await realpath(join(dirs.scratchDir, 'work')));
    assert.equal(home, join(dirs.scratchDir, 'work'));
  });
});

describe('local executor: output lines', () => {
  test('splits stdout and stderr into lines, in order, with CRLF and a last line without newline', async () => {
    const script = `printf 'one\\ntwo\\r\\nth'; printf 'ree\\n'; printf 'oops\\n' >&2; printf 'last without newline'`;
    const { result, lines } = await runToEnd(executor, makeSpec(dirs, { command: ['sh', '-c', script] }));
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(texts(lines, 'stdout'), ['one', 'two', 'three', 'last without newline']);
    assert.deepEqual(texts(lines, 'stderr'), ['oops']);
    assert.ok(lines.every((line) => line.rank === 0 && line.at > 0));
  });

  test('keeps every line of a process that exits right after writing, and cuts very long lines', async () => {
    // Plain blocking writes (Node's own stdout may drop queued output on process.exit); the last
    // lines are still in the pipe when the process ends.
    const script = `head -c ${MAX_LINE_BYTES * 3} /dev/zero | tr '\\0' x; printf '\\nafter the long line\\n'
      awk 'BEGIN { for (i = 0; i < 50000; i++) print "line " i }'`;
    const { result, lines } = await runToEnd(executor, makeSpec(dirs, { command: ['sh', '-c', script] }));
    assert.equal(result.outcome, 'succeeded', result.message);
    const stdout = texts(lines, 'stdout');
    assert.equal(stdout.length, 2 + 50000);
    assert.equal(stdout[0], 'x'.repeat(MAX_LINE_BYTES) + CUT_MARKER);
    assert.equal(stdout[1], 'after the long line');
    assert.equal(stdout[50001], 'line 49999');
    assert.ok(stdout.slice(2).every((text, i) => text === `line ${i}`));
  });
});

describe('local executor: failures', () => {
  test('a non-zero exit is a failure naming the worker and the code', async () => {
    const { result } = await runToEnd(executor, makeSpec(dirs, { command: ['sh', '-c', 'echo bye; exit 3'] }));
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, 'worker 0 exited with code 3');
    assert.deepEqual(result.workers, [{ rank: 0, exitCode: 3, signal: null, oomKilled: false }]);
  });

  test('a command that is not found fails with the OS message; check() says so first', async () => {
    const spec = makeSpec(dirs, { command: ['no-such-command-aitip', '--help'] });
    await assert.rejects(executor.check(spec), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /command not found: no-such-command-aitip is not on the job's PATH/);
      return true;
    });
    const { result } = await runToEnd(executor, spec);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, 'command not found: no-such-command-aitip (spawn no-such-command-aitip ENOENT)');
    assert.ok(result.hint);
    assert.deepEqual(result.workers, [{ rank: 0, exitCode: null, signal: null, oomKilled: false }]);
  });

  test('a relative command is looked up in the code directory', async () => {
    await writeFile(join(dirs.codeDir, 'train.sh'), '#!/bin/sh\necho trained\n');
    const missing = makeSpec(dirs, { command: ['./train.sh'] });
    await assert.rejects(executor.check(missing), /not an executable file in the code directory/);
    await chmod(join(dirs.codeDir, 'train.sh'), 0o755);
    await executor.check(missing);
    const { result, lines } = await runToEnd(executor, missing);
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(texts(lines, 'stdout'), ['trained']);
  });
});

describe('local executor: stopping', () => {
  test('the timeout stops the whole process group, escalating to SIGKILL', async () => {
    // The shell and its background sleep ignore SIGTERM, so only SIGKILL after the grace period ends them.
    const script = `trap '' TERM; sleep 300 & echo "$!"; wait; wait`;
    const attempt = await startWatched(
      executor,
      makeSpec(dirs, { command: ['sh', '-c', script], timeoutSeconds: 1, graceSeconds: 1 }),
    );
    const grandchild = Number((await attempt.waitForLine((line) => line.stream === 'stdout')).text);
    assert.ok(isRunning(grandchild));
    const result = await attempt.execution.done;
    assert.equal(result.outcome, 'timed_out');
    assert.equal(result.message, 'stopped after the time limit of 1 seconds');
    assert.equal(result.workers[0].signal, 'SIGKILL');
    assert.equal(isRunning(grandchild), false, 'the background sleep is gone');
  });

  test('cancel() stops the job and its children', async () => {
    const attempt = await startWatched(
      executor,
      makeSpec(dirs, { command: ['sh', '-c', 'sleep 300 & echo "$!"; wait'], graceSeconds: 5 }),
    );
    const grandchild = Number((await attempt.waitForLine((line) => line.stream === 'stdout')).text);
    await attempt.execution.cancel();
    const result = await attempt.execution.done;
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.workers[0].signal, 'SIGTERM');
    assert.equal(isRunning(grandchild), false);
    await attempt.execution.cancel(); // a second cancel of an ended attempt changes nothing
    assert.equal((await attempt.execution.done).outcome, 'cancelled');
  });
});

describe('local executor: output flow', () => {
  test('while the caller is full the job is held back on its writes; nothing is lost when it drains', async () => {
    let held = true;
    let resume: (() => void) | null = null;
    const lines: string[] = [];
    const spec = makeSpec(dirs, {
      command: [node, '-e', 'for (let i = 0; i < 100000; i++) console.log(`line ${i} ${"x".repeat(80)}`)'],
    });
    const execution = await executor.start(spec, {
      flow: { full: () => held, whenDrained: (r) => (resume = r) },
      onLine: (line) => lines.push(line.text),
    });
    // 9 MB does not fit the pipe: held back, the job cannot get far nor end
    while (resume === null) await new Promise((r) => setTimeout(r, 20));
    const seen = lines.length;
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(lines.length < 100_000, 'the job ran to its end while its output was held back');
    assert.equal(lines.length, seen, 'lines kept coming while the output was held back');
    held = false;
    (resume as () => void)();
    const result = await execution.done;
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.equal(lines.length, 100_000);
    assert.equal(lines.at(-1)!.startsWith('line 99999 '), true);
  });
});

describe('local executor: after a crash', () => {
  test('another executor on the same state directory finds a running attempt by its labels and kills it', async () => {
    const stateDir = join(dirs.root, 'state');
    const first = createLocalExecutor({ stateDir });
    const spec = makeSpec(dirs, { command: ['sh', '-c', 'sleep 300 & echo "$!"; wait'] });
    const attempt = await startWatched(first, spec);
    const grandchild = Number((await attempt.waitForLine((line) => line.stream === 'stdout')).text);

    // what a worker started after the first one died sees
    const second = createLocalExecutor({ stateDir });
    assert.deepEqual(await second.running({ 'aitip.dev/job': spec.labels['aitip.dev/job']! }), [
      { name: spec.name, labels: spec.labels },
    ]);
    assert.deepEqual(await second.running({ 'aitip.dev/job': 'another-job' }), []);
    await second.cleanup(spec.name);
    const result = await attempt.execution.done;
    assert.equal(result.outcome, 'failed');
    assert.equal(result.workers[0].signal, 'SIGKILL');
    assert.equal(isRunning(grandchild), false);
    assert.deepEqual(await second.running({}), []);
  });
});

describe('local executor: several workers', () => {
  test('workers get the rendezvous variables and reach rank 0 at MASTER_ADDR:MASTER_PORT', async () => {
    const script = `
      const net = require('node:net');
      const { MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK } = process.env;
      console.log(JSON.stringify({ MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK }));
      if (RANK === '0') {
        const server = net.createServer((socket) => socket.on('data', (data) => {
          console.log('rank 0 got ' + data);
          server.close();
          socket.end();
        }));
        server.listen(Number(MASTER_PORT), MASTER_ADDR);
      } else {
        const connect = () => {
          const socket = net.connect(Number(MASTER_PORT), MASTER_ADDR, () => socket.end('hello from ' + RANK));
          socket.on('error', () => setTimeout(connect, 100));
        };
        connect();
      }`;
    const { result, lines } = await runToEnd(executor, makeSpec(dirs, { command: [node, '-e', script], workers: 2 }));
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.equal(result.message, 'all 2 workers exited with code 0');
    const rank0 = JSON.parse(texts(lines, 'stdout', 0)[0]) as Record<string, string>;
    const rank1 = JSON.parse(texts(lines, 'stdout', 1)[0]) as Record<string, string>;
    assert.equal(rank0.MASTER_ADDR, '127.0.0.1');
    assert.ok(Number(rank0.MASTER_PORT) > 0);
    const common = { MASTER_ADDR: '127.0.0.1', MASTER_PORT: rank0.MASTER_PORT, WORLD_SIZE: '2', LOCAL_WORLD_SIZE: '2' };
    assert.deepEqual(rank0, { ...common, RANK: '0', LOCAL_RANK: '0', GROUP_RANK: '0' });
    assert.deepEqual(rank1, { ...common, RANK: '1', LOCAL_RANK: '1', GROUP_RANK: '0' });
    assert.deepEqual(texts(lines, 'stdout', 0).slice(1), ['rank 0 got hello from 1']);
  });

  test('one failing worker stops the others and is named in the result', async () => {
    // Rank 1 fails once rank 0 is busy (the workers share the code directory as their working directory).
    const script = `if [ "$RANK" = 1 ]; then while [ ! -e rank0-busy ]; do sleep 0.1; done; exit 4; fi
      sleep 300 & echo "$!"; touch rank0-busy; wait`;
    const attempt = await startWatched(executor, makeSpec(dirs, { command: ['sh', '-c', script], workers: 2 }));
    const result = await attempt.execution.done;
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, 'worker 1 exited with code 4; the other workers were stopped');
    assert.deepEqual(
      result.workers.map((worker) => [worker.rank, worker.exitCode]),
      [
        [0, null],
        [1, 4],
      ],
    );
    assert.equal(result.workers[0].signal, 'SIGTERM');
    assert.equal(isRunning(Number(texts(attempt.lines, 'stdout', 0)[0])), false);
  });
});

describe('local executor: check()', () => {
  test('rejects what this machine cannot give, saying what it has', async () => {
    const check = (overrides: Parameters<typeof makeSpec>[1]) => executor.check(makeSpec(dirs, overrides));
    await assert.rejects(check({ resources: { gpus: 1 } }), /the local backend has no GPUs/);
    await assert.rejects(
      check({ resources: { cpu: 10_000 } }),
      /resources\.cpu 10000 is more than this machine has \(\d+ CPUs\)/,
    );
    await assert.rejects(
      check({ resources: { memoryMiB: 100_000_000 } }),
      /resources\.memoryMiB 100000000 is more than this machine has \(\d+ MiB\)/,
    );
    await assert.rejects(check({ workers: 0 }), /workers must be a whole number of at least 1/);
    await assert.rejects(check({ command: [] }), /command is empty/);
    await assert.rejects(
      check({ inputs: [{ name: '../etc', hostPath: dirs.inputDir }] }),
      /cannot be a directory name/,
    );
    await assert.rejects(
      check({ inputs: [{ name: 'rows', hostPath: join(dirs.root, 'nowhere') }] }),
      /is not a directory/,
    );
    await assert.rejects(check({ inputs: [{ name: 'rows' }] }), InputError);
    await check({ command: ['sh', '-c', 'true'], resources: { cpu: 1, memoryMiB: 64, gpus: 0 } });
  });
});

describe('line splitting', () => {
  const split = (chunks: Buffer[]) => {
    const lines: string[] = [];
    const splitter = new LineSplitter((text) => lines.push(text));
    for (const chunk of chunks) splitter.push(chunk);
    splitter.end();
    return lines;
  };
  const byteByByte = (text: string) => [...Buffer.from(text)].map((byte) => Buffer.from([byte]));

  test('lines cut across chunks anywhere, CRLF and characters included, come out whole', () => {
    const text = 'größe\r\n\r\nzwei 🚀\nlast';
    assert.deepEqual(split(byteByByte(text)), ['größe', '', 'zwei 🚀', 'last']);
    assert.deepEqual(split([Buffer.from(text)]), ['größe', '', 'zwei 🚀', 'last']);
    assert.deepEqual(split([Buffer.from('a\n')]), ['a'], 'no empty line after a final newline');
  });

  test('a line longer than the limit is cut on a character boundary as soon as it reaches it', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((text) => lines.push(text));
    // 'é' is two bytes; the limit falls inside the last one, which is left out whole.
    splitter.push(Buffer.from('a' + 'é'.repeat(MAX_LINE_BYTES / 2)));
    assert.deepEqual(lines, ['a' + 'é'.repeat(MAX_LINE_BYTES / 2 - 1) + CUT_MARKER]);
    splitter.push(Buffer.from('rest of the long line is dropped\nnext\n'));
    splitter.end();
    assert.deepEqual(lines.slice(1), ['next']);
  });
});
