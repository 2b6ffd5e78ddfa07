import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsStore, type SessionCredentials } from '../src/credentials.js';
import { aitip, freePort, setupToken, startAllInOne, type TestPlatform } from './platform.js';

const password = 'correct horse battery staple';
const newConfigDir = () => mkdtempSync(join(tmpdir(), 'aitip-cli-config-'));

interface ViewerJson {
  kind: string;
  user: { email: string; displayName: string } | null;
  apiKey: { name: string; prefix: string } | null;
  organization: { slug: string; name: string } | null;
  role: string | null;
  scopes: string[];
}

/** An access token like `token` (same user and session) that expired a minute ago, signed with the platform's secret. */
function expiredCopyOf(token: string, secret: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...claims, iat: now - 1000, exp: now - 60 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('aitip identity commands against the all-in-one platform', () => {
  let platform: TestPlatform;
  const admin = newConfigDir();
  const ci = newConfigDir();
  const run = (configDir: string, args: string[], input?: string) => aitip(platform.url, configDir, args, { input });
  const session = (configDir: string) => new CredentialsStore(configDir).get(platform.url) as SessionCredentials;

  before(async () => {
    platform = await startAllInOne();
  });
  after(async () => {
    await platform?.stop();
  });

  test('signup with the setup token signs the first admin in and stores a private session', async () => {
    const token = await setupToken(platform);
    const result = await run(
      admin,
      ['signup', '--setup-token', token, '--email', 'ada@example.com', '--display-name', 'Ada', '--password-stdin'],
      password + '\n',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Signed in to http:\/\/127\.0\.0\.1:\d+ as ada@example\.com\. No organization yet/);
    assert.equal(statSync(join(admin, 'credentials.json')).mode & 0o777, 0o600);
    const stored = session(admin);
    assert.equal(stored.kind, 'session');
    assert.match(stored.refreshToken, /^aitipr_/);

    const again = await run(
      newConfigDir(),
      ['signup', '--setup-token', token, '--email', 'eve@example.com', '--display-name', 'Eve', '--password-stdin'],
      password,
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^aitip: This instance is already set up/);
  });

  test('whoami shows the user; orgs create makes the first organization active', async () => {
    const whoami = await run(admin, ['whoami', '--json']);
    assert.equal(whoami.code, 0, whoami.stderr);
    const viewer = JSON.parse(whoami.stdout) as ViewerJson;
    assert.equal(viewer.kind, 'user');
    assert.deepEqual(viewer.user, { email: 'ada@example.com', displayName: 'Ada' });

    const created = await run(admin, ['orgs', 'create', 'Acme Research', '--slug', 'acme']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created organization acme \(Acme Research\)\. You now act in it\./);
    const other = await run(admin, ['orgs', 'create', 'Side Project', '--slug', 'side']);
    assert.match(other.stdout, /Switch to it with `aitip orgs use side`/);

    const orgs = await run(admin, ['orgs']);
    assert.equal(orgs.code, 0, orgs.stderr);
    assert.match(orgs.stdout, /^\* +acme +Acme Research +OWNER/m);
    assert.match(orgs.stdout, /^ +side +Side Project +OWNER/m);

    const text = await run(admin, ['whoami']);
    assert.match(text.stdout, /^User +Ada <ada@example\.com>$/m);
    assert.match(text.stdout, /^Organization +acme \(Acme Research\)$/m);
    assert.match(text.stdout, /^Role +OWNER$/m);

    const switched = await run(admin, ['orgs', 'use', 'side']);
    assert.equal(switched.code, 0, switched.stderr);
    assert.equal(
      (JSON.parse((await run(admin, ['whoami', '--json'])).stdout) as ViewerJson).organization?.slug,
      'side',
    );
    await run(admin, ['orgs', 'use', 'acme']);
    const json = JSON.parse((await run(admin, ['orgs', '--json'])).stdout) as Array<{
      organization: { slug: string };
      active: boolean;
    }>;
    assert.deepEqual(
      json.filter((m) => m.active).map((m) => m.organization.slug),
      ['acme'],
    );

    const missing = await run(admin, ['orgs', 'use', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /You are not a member of an organization "nope".*Your organizations: /);
  });

  test('an expired access token is renewed with refreshSession and the rotated pair is stored', async () => {
    const store = new CredentialsStore(admin);
    const before = session(admin);

    // expiring soon: renewed before the call
    store.set({ ...before, accessTokenExpiresAt: new Date(Date.now() + 5_000).toISOString() });
    const early = await run(admin, ['whoami', '--json']);
    assert.equal(early.code, 0, early.stderr);
    const renewed = session(admin);
    assert.notEqual(renewed.refreshToken, before.refreshToken);
    assert.notEqual(renewed.accessToken, before.accessToken);
    assert.equal(renewed.organization?.slug, 'acme', 'the active organization is kept');
    assert.equal(statSync(store.path).mode & 0o777, 0o600);

    // the router says TOKEN_EXPIRED although the file thinks it is fresh: renewed and retried once
    const secret = readFileSync(join(platform.dataDir, 'token-secret'), 'utf8').trim();
    store.set({ ...renewed, accessToken: expiredCopyOf(renewed.accessToken, secret) });
    const retried = await run(admin, ['whoami', '--json']);
    assert.equal(retried.code, 0, retried.stderr);
    assert.equal((JSON.parse(retried.stdout) as ViewerJson).organization?.slug, 'acme');
    assert.notEqual(session(admin).refreshToken, renewed.refreshToken);
  });

  test('an API key created with datasets:read works from another config dir until it is revoked', async () => {
    const created = await run(admin, [
      'keys',
      'create',
      '--name',
      'ci',
      '--scope',
      'datasets:read',
      '--expires',
      '30d',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^aitip_[0-9a-f]{12}_[A-Za-z0-9_-]+$/);
    assert.match(created.stderr, /shown only this once/);

    const list = await run(admin, ['keys', 'list']);
    assert.equal(list.code, 0, list.stderr);
    const prefix = key.split('_')[1]!;
    assert.match(list.stdout, new RegExp(`^${prefix} +ci +active +datasets:read `, 'm'));
    const listed = JSON.parse((await run(admin, ['keys', 'list', '--json'])).stdout) as Array<{ prefix: string }>;
    assert.deepEqual(
      listed.map((k) => k.prefix),
      [prefix],
    );

    const login = await run(ci, ['login', '--api-key', key]);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Stored API key ci .* acting in organization acme/);
    const whoami = await run(ci, ['whoami', '--json']);
    assert.equal(whoami.code, 0, whoami.stderr);
    const viewer = JSON.parse(whoami.stdout) as ViewerJson;
    assert.equal(viewer.kind, 'service');
    assert.deepEqual(viewer.scopes, ['datasets:read']);
    assert.equal(viewer.organization?.slug, 'acme');
    assert.equal(viewer.apiKey?.name, 'ci');

    const forbidden = await run(ci, ['keys', 'create', '--name', 'more', '--scope', 'datasets:write']);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /^aitip: /);

    const revoked = await run(admin, ['keys', 'revoke', prefix]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /Revoked API key ci/);

    const after = await run(ci, ['whoami']);
    assert.equal(after.code, 1);
    assert.match(after.stderr, /^aitip: .*revoked/i);
    assert.equal(after.stderr.trim().split('\n').length, 1, 'one line, no stack trace');

    const removed = await run(ci, ['logout']);
    assert.match(removed.stdout, /Deleted the stored API key/);
  });

  test('login with e-mail and password picks the organization; logout ends the session', async () => {
    const laptop = newConfigDir();
    const login = await run(
      laptop,
      ['login', '--email', 'ada@example.com', '--password-stdin', '--org', 'side'],
      password,
    );
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Signed in to .* as ada@example\.com, acting in organization side\./);

    const wrong = await run(
      newConfigDir(),
      ['login', '--email', 'ada@example.com', '--password-stdin'],
      'nope-nope-nope',
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^aitip: Wrong e-mail or password\./);

    const { refreshToken } = session(laptop);
    const logout = await run(laptop, ['logout']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, /Signed out of http:\/\/127\.0\.0\.1:\d+\./);
    assert.equal(new CredentialsStore(laptop).get(platform.url), null);

    // the server ended the session too: its refresh token no longer works
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }',
        variables: { t: refreshToken },
      }),
    });
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    assert.equal(body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');

    const whoami = await run(laptop, ['whoami']);
    assert.equal(whoami.code, 1);
    assert.equal(whoami.stderr, `aitip: Not signed in to ${platform.url}: run \`aitip login\`.\n`);
  });

  test('logout says so when the platform is unreachable and still forgets the session', async () => {
    const offline = `http://127.0.0.1:${await freePort()}`;
    const dir = newConfigDir();
    new CredentialsStore(dir).set({ ...session(admin), url: offline });
    const whoami = await aitip(offline, dir, ['whoami']);
    assert.equal(whoami.code, 2);
    assert.match(whoami.stderr, /^aitip: Cannot reach AITIP at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const logout = await aitip(offline, dir, ['logout']);
    assert.equal(logout.code, 0);
    assert.match(logout.stderr, /could not end the session on the server \(Cannot reach AITIP/);
    assert.equal(new CredentialsStore(dir).get(offline), null);
    assert.notEqual(new CredentialsStore(admin).get(platform.url), null, 'the other platform is untouched');
  });
});
