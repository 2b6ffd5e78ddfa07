import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConfigError, env, infrastructureEnv, parseConfig } from '../src/index.js';

const schema = z.object({ ...infrastructureEnv, PORT: env.port(4000) });

test('defaults apply when nothing is set', () => {
  const config = parseConfig('svc', schema, {});
  assert.equal(config.PORT, 4000);
  assert.equal(config.LOG_LEVEL, 'info');
  assert.equal(config.DATABASE_URL, undefined);
});

test('every bad variable is reported at once, by name, with what it expects', () => {
  try {
    parseConfig('svc', schema, { PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems.map((p) => p.variable).sort(), ['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    assert.match(err.message, /PORT: expected a TCP port number between 1 and 65535 \(got "abc"\)/);
    assert.match(err.message, /DATABASE_URL: expected a PostgreSQL URL/);
    assert.match(err.message, /LOG_LEVEL: expected one of fatal, error/);
  }
});
