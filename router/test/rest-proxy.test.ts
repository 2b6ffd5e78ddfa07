import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import type { RunningPlatform } from '../src/platform.js';
import { createTestMember, startTestPlatform, type TestMember } from './support.js';

describe('subgraph HTTP APIs through the router: early answers', () => {
  let platform: RunningPlatform;
  let owner: TestMember;

  before(async () => {
    ({ platform } = await startTestPlatform());
    const users = platform.subgraphs.find((s) => s.name === 'users')!;
    owner = await createTestMember((sql, params) => users.db.query(sql, params), platform.resources.keys.tokenSecret, {
      slug: 'early-answers',
      name: 'Early Answers',
    });
  });
  after(() => platform?.stop());

  test(
    'a refusal by the declared size reaches the client while it is still sending the body',
    { timeout: 60_000 },
    async () => {
      const declared = 1024 * 1024 * 1024;
      const upload = request({
        host: '127.0.0.1',
        port: platform.router.port,
        method: 'PUT',
        path: '/api/training/code-archives',
        headers: { ...owner.headers, 'content-type': 'application/gzip', 'content-length': String(declared) },
      });
      const answered = new Promise<IncomingMessage>((resolve, reject) => {
        upload.once('response', resolve);
        upload.once('error', reject);
      });
      // a first part of the body, and then nothing until the answer: a proxy that waits for the whole
      // body before it reads the subgraph's answer never answers
      upload.write(Buffer.alloc(64 * 1024));
      const answer = await answered;
      const chunks: Buffer[] = [];
      for await (const chunk of answer) chunks.push(chunk as Buffer);
      upload.destroy();
      assert.equal(answer.statusCode, 400);
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { error: { message: string } };
      assert.match(body.error.message, /larger than \d+ bytes \(TRAINING_CODE_ARCHIVE_MAX_MIB\)/);
    },
  );
});
