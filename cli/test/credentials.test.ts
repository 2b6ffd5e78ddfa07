import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsStore, configDir, platformKey, type SessionCredentials } from '../src/credentials.js';
import { parseExpiry } from '../src/commands/keys.js';

const session = (url: string, refreshToken = 'aitipr_one'): SessionCredentials => ({
  kind: 'session',
  url,
  email: 'ada@example.com',
  accessToken: 'access',
  accessTokenExpiresAt: new Date(Date.now() + 900_000).toISOString(),
  refreshToken,
  organization: { id: '11111111-1111-4111-8111-111111111111', slug: 'acme' },
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the credentials file', () => {
  test('is created with mode 0600 in a 0700 folder, which is made when missing', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'aitip-cli-creds-')), 'nested', 'aitip');
    const store = new CredentialsStore(dir);
    store.set(session('http://localhost:4000'));
    assert.equal(modeOf(dir), 0o700);
    assert.equal(modeOf(store.path), 0o600);
    assert.equal(store.path, join(dir, 'credentials.json'));
  });

  test('keeps one entry per platform URL, keyed without a trailing slash', () => {
    const store = new CredentialsStore(mkdtempSync(join(tmpdir(), 'aitip-cli-creds-')));
    store.set(session('http://localhost:4000/', 'aitipr_local'));
    store.set({ kind: 'apiKey', url: 'https://aitip.example.com', apiKey: 'aitip_k', organization: null });
    assert.equal((store.get('http://localhost:4000') as SessionCredentials).refreshToken, 'aitipr_local');
    assert.equal(store.get('http://localhost:4000')?.url, 'http://localhost:4000');
    assert.equal(store.get('https://aitip.example.com/')?.kind, 'apiKey');
    assert.equal(store.get('http://localhost:4001'), null);
    const file = JSON.parse(readFileSync(store.path, 'utf8')) as { platforms: Record<string, unknown> };
    assert.deepEqual(Object.keys(file.platforms).sort(), ['http://localhost:4000', 'https://aitip.example.com']);

    assert.equal(store.delete('http://localhost:4000'), true);
    assert.equal(store.delete('http://localhost:4000'), false);
    assert.equal(store.get('http://localhost:4000'), null);
    assert.equal(store.get('https://aitip.example.com')?.kind, 'apiKey', 'the other platform is kept');
  });

  test('a rewrite replaces the file by rename, stays 0600 even if loosened, and leaves no temp files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitip-cli-creds-'));
    const store = new CredentialsStore(dir);
    store.set(session('http://localhost:4000', 'aitipr_one'));
    const before = statSync(store.path).ino;
    writeFileSync(store.path, readFileSync(store.path), { mode: 0o644 });
    store.set(session('http://localhost:4000', 'aitipr_two'));
    assert.notEqual(statSync(store.path).ino, before, 'a new file was renamed over the old one');
    assert.equal(modeOf(store.path), 0o600);
    assert.equal((store.get('http://localhost:4000') as SessionCredentials).refreshToken, 'aitipr_two');
    assert.deepEqual(readdirSync(dir), ['credentials.json']);
  });

  test('a damaged file is reported with what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitip-cli-creds-'));
    writeFileSync(join(dir, 'credentials.json'), '{ not json');
    assert.throws(
      () => new CredentialsStore(dir).get('http://localhost:4000'),
      /is not valid JSON\. Delete it and run `aitip login` again/,
    );
  });

  test('the lock lets one refresh run at a time and is released afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aitip-cli-creds-'));
    const store = new CredentialsStore(dir);
    const order: string[] = [];
    const slow = store.withLock(async () => {
      order.push('first starts');
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push('first ends');
    });
    await store.withLock(async () => {
      order.push('second');
    });
    await slow;
    assert.deepEqual(order, ['first starts', 'first ends', 'second']);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('lives in AITIP_CONFIG_DIR, else $XDG_CONFIG_HOME/aitip, else ~/.config/aitip', () => {
    assert.equal(configDir({ AITIP_CONFIG_DIR: '/tmp/x', XDG_CONFIG_HOME: '/tmp/y' }), '/tmp/x');
    assert.equal(configDir({ XDG_CONFIG_HOME: '/tmp/y' }), '/tmp/y/aitip');
    assert.match(configDir({}), /\/\.config\/aitip$/);
    assert.equal(platformKey('http://LOCALHOST:4000/?x=1#y'), 'http://localhost:4000');
  });
});

describe('aitip keys create --expires', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  test('takes a duration in days or hours, or an ISO date', () => {
    assert.equal(parseExpiry('30d', now).toISOString(), '2025-01-31T00:00:00.000Z');
    assert.equal(parseExpiry('12h', now).toISOString(), '2025-01-01T12:00:00.000Z');
    assert.equal(parseExpiry('2025-02-01', now).toISOString(), '2025-02-01T00:00:00.000Z');
  });
  test('refuses anything else, and dates in the past', () => {
    assert.throws(() => parseExpiry('30', now), /neither an ISO date .* nor a duration/);
    assert.throws(() => parseExpiry('soon', now), /neither an ISO date/);
    assert.throws(() => parseExpiry('2024-12-31', now), /is in the past/);
  });
});
