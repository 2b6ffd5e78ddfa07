import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jobLogsStream } from '../src/storage-keys.js';
import { job, logLines, member, startTraining, statusesUntilEnd, submit, type TrainingHarness } from './support.js';

type Line = { number: number; attempt: number; stream: string; text: string };
for (const mode of ['real', 'embedded'] as const) {
  describe(`job logs past the live stream (${mode === 'real' ? 'Redis, S3' : 'embedded'})`, () => {
    let h: TrainingHarness;
    before(async () => {
      // a live stream of about 10 lines, removed a second after the job ends
      h = await startTraining(mode, { TRAINING_LOG_STREAM_MAX_LEN: '10', TRAINING_LOG_LINGER_SECONDS: '1' });
    });
    after(async () => {
      await h?.close();
    });

    test('lines the stream trimmed or dropped replay from the attempt archives, numbered across attempts', async () => {
      const alice = member();
      const submitted = await submit(h, alice, {
        name: 'chatty',
        backend: 'local',
        command: [
          'sh',
          '-c',
          'i=0; while [ $i -lt 40 ]; do echo "line $i of $AITIP_ATTEMPT"; i=$((i+1)); done; exit 5',
        ],
        maxRetries: 1,
        retryOnUserError: true,
      });
      assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
      const id = submitted.data!['submitTrainingJob'].id;
      assert.equal((await statusesUntilEnd(h, alice, id)).at(-1), 'FAILED');
      const ended = await job(h, alice, id);
      assert.deepEqual(
        ended.attempts.map((a: { logLines: number; exitCode: number }) => [a.logLines, a.exitCode]),
        [
          [40, 5],
          [40, 5],
        ],
      );
      const expected = Array.from({ length: 80 }, (_, n) => ({
        number: n,
        attempt: n < 40 ? 1 : 2,
        stream: 'stdout',
        text: `line ${n % 40} of ${n < 40 ? 1 : 2}`,
      }));
      // right after the end (the trimmed stream may still hold the last lines)
      assert.deepEqual(await logLines<Line>(h, { id, from: 0 }, alice, 80, 'number attempt stream text'), expected);
      // and once it is gone
      while ((await h.resources.bus.read(jobLogsStream(alice.orgId!, id), { count: 1 })).length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(await logLines<Line>(h, { id, from: 0 }, alice, 80, 'number attempt stream text'), expected);
      assert.deepEqual(
        await logLines<Line>(h, { id, from: 35 }, alice, 45, 'number attempt stream text'),
        expected.slice(35),
      );
    });
  });
}
