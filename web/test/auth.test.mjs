// End-to-end test of sign-up, organizations, members, API keys and the audit log in a real
// browser against the whole platform started as one process with a fresh data directory.
//
// Needs `npm run build` first (router/dist and web/dist). It always starts its own platform: the
// first sign-up needs the one-time setup token of a new instance.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  UI_TIMEOUT_MS,
  launchBrowser,
  openPage,
  postGraphQL,
  readSetupToken,
  signInThroughUi,
  startPlatform,
} from './platform.mjs';

const execFileAsync = promisify(execFile);
const cliMain = new URL('../../cli/dist/src/main.js', import.meta.url).pathname;

// Audit events travel through a queue before they can be read; how long to keep looking.
const AUDIT_DEADLINE_MS = 30_000;
// An API key revocation reaches the router's cache over the bus.
const REVOCATION_DEADLINE_MS = 15_000;

const owner = { email: 'ada@example.com', displayName: 'Ada Owner', password: 'ada-password-123' };
const invitee = { email: 'bob@example.com', displayName: 'Bob Member', password: 'bob-password-456' };
const organizationName = 'Acme Research';

/** @type {Awaited<ReturnType<typeof startPlatform>> | undefined} */
let platform;
/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  platform = await startPlatform('aitip-web-auth-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await platform?.dispose();
});

/** @param {import('playwright-core').Page} page */
async function signOut(page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: UI_TIMEOUT_MS });
  assert.equal(await page.evaluate(() => window.localStorage.getItem('aitip.session')), null);
}

/** @param {import('playwright-core').Page} page */
async function fillSignUp(page, user) {
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Display name').fill(user.displayName);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
}

/** @param {import('playwright-core').Page} page */
async function storedSession(page) {
  return JSON.parse(await page.evaluate(() => window.localStorage.getItem('aitip.session') ?? 'null'));
}

/**
 * An access token of the same session that expired a minute ago, signed with the instance's
 * token secret: what the browser holds after sleeping past the token's 15 minutes.
 */
async function expiredAccessToken(dataDir, accessToken) {
  const secret = (await readFile(path.join(dataDir, 'token-secret'), 'utf8')).trim();
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'));
  const now = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...claims, iat: now - 960, exp: now - 60 })}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/** Reloads the audit log until every action shows up (events arrive through a queue). */
async function waitForAuditActions(page, actions) {
  const table = page.getByRole('table', { name: 'Audit events' });
  const deadline = Date.now() + AUDIT_DEADLINE_MS;
  let shown = [];
  while (Date.now() < deadline) {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await table
      .getByRole('rowheader')
      .first()
      .or(table.getByText('No audit events match'))
      .waitFor({ timeout: UI_TIMEOUT_MS });
    shown = await table.getByRole('rowheader').allInnerTexts();
    if (actions.every((action) => shown.includes(action))) return shown;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`the audit log showed ${JSON.stringify(shown)}, still missing some of ${JSON.stringify(actions)}`);
}

test('an owner signs up, invites a member, manages roles and API keys, and reads the audit log', async () => {
  assert.ok(browser && platform);
  const { baseUrl } = platform;
  const setupToken = await readSetupToken(platform.dataDir);
  const { page, context, pageErrors, foreignRequests } = await openPage(browser, baseUrl);
  try {
    // Signed out, organization pages ask to sign in.
    await page.goto(`${baseUrl}/members`);
    await page.getByText('Sign in to see this page.').waitFor({ timeout: UI_TIMEOUT_MS });

    // The first user signs up with the setup token from the link.
    await page.goto(`${baseUrl}/signup?setup=${encodeURIComponent(setupToken)}`);
    assert.equal(await page.getByLabel('Setup token').inputValue(), setupToken);
    await page.getByLabel('E-mail').fill(owner.email);
    await page.getByLabel('Display name').fill(owner.displayName);
    await page.getByLabel('Password').fill('too short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').getByText('at least 10 characters').waitFor({ timeout: UI_TIMEOUT_MS });
    await fillSignUp(page, owner);

    // Without an organization, the new user is asked to create one.
    await page.getByRole('heading', { name: 'New organization' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('banner').getByText(owner.displayName, { exact: true }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(organizationName);
    await page.getByLabel('Slug (optional)').fill('acme-research');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: `Members of ${organizationName}` }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('banner').getByRole('combobox', { name: 'Organization' }).waitFor();
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByRole('rowheader', { name: `${owner.displayName} (you)` }).waitFor();

    // Invite the second user; the link is shown once.
    await page.getByLabel('E-mail to invite').fill(invitee.email);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const invitationBox = page.getByRole('region', { name: 'Invitation link' });
    const invitationLink = (await invitationBox.getByTestId('one-time-secret').innerText()).trim();
    assert.match(invitationLink, new RegExp(`^${baseUrl}/signup\\?invitation=.+`));
    await page
      .getByRole('table', { name: 'Pending invitations' })
      .getByRole('rowheader', { name: invitee.email })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await signOut(page);

    // The invitee signs up through the link and lands in the organization as a member.
    await page.goto(invitationLink);
    assert.notEqual(await page.getByLabel('Invitation token').inputValue(), '');
    await fillSignUp(page, invitee);
    await page.getByRole('heading', { name: `Members of ${organizationName}` }).waitFor({ timeout: UI_TIMEOUT_MS });
    await members.getByRole('rowheader', { name: `${invitee.displayName} (you)` }).waitFor();
    const inviteeRow = members.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Bob Member/ }) });
    assert.equal(await inviteeRow.getByRole('cell').nth(1).innerText(), 'Member');
    // A member cannot manage members: no role selects, no invitations.
    assert.equal(await members.getByRole('combobox').count(), 0);
    assert.equal(await page.getByLabel('E-mail to invite').count(), 0);
    await signOut(page);

    // A wrong password is refused inline.
    await page.getByLabel('E-mail').fill(owner.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor({ timeout: UI_TIMEOUT_MS });

    // The owner signs in again and makes the invitee a viewer.
    await signInThroughUi(page, baseUrl, owner);
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Members' }).click();
    const roleOfInvitee = page.getByRole('combobox', { name: `Role of ${invitee.displayName}` });
    await roleOfInvitee.selectOption('VIEWER');
    // The select follows the API's answer; reloading then shows what the server stored.
    await page.waitForFunction(
      (label) => document.querySelector(`select[aria-label="${label}"]`)?.value === 'VIEWER',
      `Role of ${invitee.displayName}`,
      { timeout: UI_TIMEOUT_MS },
    );
    await page.reload();
    await roleOfInvitee.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await roleOfInvitee.inputValue(), 'VIEWER');

    // An API key with only datasets:read; its secret is shown once.
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('ci-reader');
    await page.getByRole('checkbox', { name: 'datasets:read', exact: true }).check();
    await page.getByRole('button', { name: 'Create API key' }).click();
    const secretBox = page.getByRole('region', { name: 'New API key' });
    await secretBox.getByText('shown only once').waitFor({ timeout: UI_TIMEOUT_MS });
    const apiKey = (await secretBox.getByTestId('one-time-secret').innerText()).trim();
    assert.match(apiKey, /^aitip_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const keyRow = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /ci-reader/ });
    await keyRow.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await keyRow.getByRole('cell').nth(1).innerText(), 'datasets:read');

    // The key works on its own, outside the browser.
    const asKey = await postGraphQL(baseUrl, '{ viewer { kind scopes } }', {}, { authorization: `Bearer ${apiKey}` });
    assert.deepEqual(asKey, { data: { viewer: { kind: 'service', scopes: ['datasets:read'] } } });

    // ... and from the CLI, as a CI job would use it.
    const cliConfig = await mkdtemp(path.join(tmpdir(), 'aitip-cli-'));
    try {
      const cli = (...args) =>
        execFileAsync(process.execPath, [cliMain, '--url', baseUrl, ...args], {
          env: { ...process.env, AITIP_CONFIG_DIR: cliConfig },
        });
      await cli('login', '--api-key', apiKey);
      const { stdout } = await cli('whoami', '--json');
      const whoami = JSON.parse(stdout);
      assert.equal(whoami.kind, 'service');
      assert.deepEqual(whoami.scopes, ['datasets:read']);
      assert.equal(whoami.organization.name, organizationName);
    } finally {
      await rm(cliConfig, { recursive: true, force: true });
    }

    // Revoked (after confirming), it stops working.
    await keyRow.getByRole('button', { name: 'Revoke ci-reader' }).click();
    await keyRow.getByRole('button', { name: 'Confirm revoke' }).click();
    await keyRow
      .getByRole('button', { name: 'Revoke ci-reader' })
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    const deadline = Date.now() + REVOCATION_DEADLINE_MS;
    let afterRevoke;
    do {
      afterRevoke = await postGraphQL(baseUrl, '{ viewer { kind } }', {}, { authorization: `Bearer ${apiKey}` });
      if (afterRevoke.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    assert.equal(afterRevoke.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', JSON.stringify(afterRevoke));

    // The audit log shows what happened, and filters by action.
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Audit log' }).click();
    await waitForAuditActions(page, [
      'organization.create',
      'member.invite',
      'member.changeRole',
      'apiKey.create',
      'apiKey.revoke',
    ]);
    await page.getByLabel('Action').fill('apiKey.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The filtered list replaces the whole table once it arrives.
    await page.waitForFunction(
      () => {
        const actions = [...document.querySelectorAll('table[aria-label="Audit events"] tbody th')].map(
          (cell) => cell.textContent,
        );
        return actions.length > 0 && actions.every((action) => action === 'apiKey.create');
      },
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }
});

// Uses the users the first test signed up.
test('a signed-in user accepts an invitation to a second organization and switches between them', async () => {
  assert.ok(browser && platform);
  const { baseUrl } = platform;
  const { page, context, pageErrors } = await openPage(browser, baseUrl);
  const members = page.getByRole('table', { name: 'Members' });
  const switcher = page.getByRole('banner').getByRole('combobox', { name: 'Organization' });
  try {
    await signInThroughUi(page, baseUrl, owner);
    await page.getByRole('banner').getByRole('link', { name: 'New organization' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Beta Lab');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'Members of Beta Lab' }).waitFor({ timeout: UI_TIMEOUT_MS });

    // An invitation revoked before anyone used it leaves the pending list.
    await page.getByLabel('E-mail to invite').fill('carol@example.com');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const revokeCarol = page.getByRole('button', { name: 'Revoke invitation for carol@example.com' });
    await revokeCarol.click({ timeout: UI_TIMEOUT_MS });
    await page.getByText('No pending invitations.').waitFor({ timeout: UI_TIMEOUT_MS });

    // Bob, who has an account, is invited as an admin.
    await page.getByLabel('E-mail to invite').fill(invitee.email);
    await page.getByLabel('Role', { exact: true }).selectOption('ADMIN');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    // the link shown is Bob's once his invitation is in the pending list (Carol's was shown before)
    await page
      .getByRole('button', { name: `Revoke invitation for ${invitee.email}` })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    const invitationLink = (
      await page.getByRole('region', { name: 'Invitation link' }).getByTestId('one-time-secret').innerText()
    ).trim();
    await signOut(page);

    // From the link he signs in rather than up, and accepts.
    await page.goto(invitationLink);
    await page.getByRole('link', { name: 'Sign in to accept the invitation' }).click();
    await page.getByLabel('E-mail').fill(invitee.email);
    await page.getByLabel('Password').fill(invitee.password);
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Accept invitation' }).click({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('heading', { name: 'Members of Beta Lab' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await members.getByRole('combobox', { name: `Role of ${owner.displayName}` }).waitFor();

    // Switching organizations in the header: a viewer in Acme Research manages nothing there.
    await switcher.selectOption({ label: `${organizationName} (viewer)` });
    await page.getByRole('heading', { name: `Members of ${organizationName}` }).waitFor({ timeout: UI_TIMEOUT_MS });
    await members.getByRole('rowheader', { name: `${invitee.displayName} (you)` }).waitFor();
    assert.equal(await members.getByRole('combobox').count(), 0);
    await signOut(page);

    // The owner removes Bob from Acme Research (after confirming).
    await signInThroughUi(page, baseUrl, owner);
    await switcher.selectOption({ label: `${organizationName} (owner)` });
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: `Members of ${organizationName}` }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: `Remove ${invitee.displayName}` }).click();
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await members
      .getByRole('rowheader', { name: invitee.displayName })
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    assert.equal(await members.getByRole('row').count(), 2, 'the header row and the owner');

    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

// Uses the owner the first test signed up.
test('the web UI refreshes an expired access token and retries, and signing out ends the session', async () => {
  assert.ok(browser && platform);
  const { baseUrl } = platform;
  const { page, context, pageErrors } = await openPage(browser, baseUrl);
  try {
    await signInThroughUi(page, baseUrl, owner);
    const signedIn = await storedSession(page);
    assert.ok(signedIn.activeOrgId, 'signing in picks the default organization');

    // The API says TOKEN_EXPIRED while the browser still thinks the token is good (clock skew,
    // a laptop waking up): the request is retried once with a refreshed token.
    const expired = await expiredAccessToken(platform.dataDir, signedIn.accessToken);
    const stillValid = new Date(Date.now() + 10 * 60_000).toISOString();
    await page.evaluate(
      (session) => window.localStorage.setItem('aitip.session', session),
      JSON.stringify({ ...signedIn, accessToken: expired, accessTokenExpiresAt: stillValid }),
    );
    await page.goto(`${baseUrl}/members`);
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByRole('rowheader', { name: `${owner.displayName} (you)` }).waitFor({ timeout: UI_TIMEOUT_MS });
    const refreshed = await storedSession(page);
    assert.notEqual(refreshed.accessToken, expired);
    assert.notEqual(refreshed.refreshToken, signedIn.refreshToken);
    assert.equal(refreshed.activeOrgId, signedIn.activeOrgId);

    // A token about to expire is refreshed before the request goes out.
    const expiringSoon = new Date(Date.now() + 5_000).toISOString();
    await page.evaluate(
      (session) => window.localStorage.setItem('aitip.session', session),
      JSON.stringify({ ...refreshed, accessTokenExpiresAt: expiringSoon }),
    );
    await page.reload();
    await members.getByRole('rowheader', { name: `${owner.displayName} (you)` }).waitFor({ timeout: UI_TIMEOUT_MS });
    const renewed = await storedSession(page);
    assert.notEqual(renewed.refreshToken, refreshed.refreshToken);
    assert.ok(Date.parse(renewed.accessTokenExpiresAt) > Date.parse(expiringSoon));

    // Signing out revokes the session on the server too, not only in this browser.
    await signOut(page);
    const answer = await postGraphQL(
      baseUrl,
      'mutation Refresh($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { accessToken } }',
      { refreshToken: renewed.refreshToken },
    );
    assert.equal(answer.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', JSON.stringify(answer));

    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
