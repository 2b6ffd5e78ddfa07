import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { ConflictError, NotFoundError, errorFormatter, runInRequestScope } from '../src/index.js';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

test('expected errors keep their stable code and message', () => {
  const { log, lines } = capturingLogger();
  const format = errorFormatter(log);
  for (const error of [
    new NotFoundError('Dataset d1 does not exist.'),
    new ConflictError('Name taken; pick another.'),
  ]) {
    const formatted = format({ message: error.message, extensions: error.extensions }, error);
    assert.equal(formatted.message, error.message);
    assert.equal(formatted.extensions?.['code'], error.extensions['code']);
  }
  assert.equal(lines.length, 0);
});

test('unexpected errors are logged with the request id and shown as INTERNAL without internals', async () => {
  const { log, lines } = capturingLogger();
  const format = errorFormatter(log);
  const original = new Error('connection to 10.0.0.7:5432 refused');
  const wrapped = new GraphQLError(original.message, { originalError: original });
  const formatted = runInRequestScope({ requestId: 'req-77' }, () =>
    format({ message: wrapped.message, path: ['dataset'], extensions: { stacktrace: ['secret frames'] } }, wrapped),
  );
  assert.deepEqual(formatted.extensions, { code: 'INTERNAL' });
  assert.equal(formatted.message, 'Internal error (request id req-77)');
  assert.doesNotMatch(JSON.stringify(formatted), /10\.0\.0\.7|secret frames/);
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!['requestId'], 'req-77');
  assert.match(JSON.stringify(lines[0]!['err']), /10\.0\.0\.7:5432 refused/);
});
