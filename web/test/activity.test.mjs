// End-to-end test of the live Activity feed: the browser follows `organizationEvents` over the
// router's graphql-ws WebSocket while the test changes things through the API, and the new events
// must show up without a reload.
//
// Needs `npm run build` first (router/dist and web/dist). It always starts its own platform: the
// first sign-up needs the one-time setup token of a new instance.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  UI_TIMEOUT_MS,
  callGraphQL,
  launchBrowser,
  openPage,
  signInThroughUi,
  signUpFirstOwner,
  startPlatform,
} from './platform.mjs';

// Events travel from the users subgraph through the bus and the router before the page has them.
const EVENT_DEADLINE_MS = 30_000;
// How long the probe waits for the router to acknowledge a graphql-ws connection.
const PROBE_TIMEOUT_MS = 10_000;

const owner = { email: 'ada@example.com', displayName: 'Ada Owner', password: 'ada-password-123' };

/** @type {Awaited<ReturnType<typeof startPlatform>> | undefined} */
let platform;
/** @type {import('playwright-core').Browser | undefined} */
let browser;

/** The organization the first user created; the tests act in it. @type {{ id: string } | undefined} */
let organization;
/** Why the router cannot run the tests' subscriptions, or null when it can. @type {string | null} */
let unsupported = null;

before(async () => {
  platform = await startPlatform('aitip-web-activity-');
  browser = await launchBrowser();
  const { baseUrl } = platform;

  // The first user, with the setup token, and an organization, through the API.
  const owned = await signUpFirstOwner(platform, owner, { name: 'Live Research', slug: 'live-research' });
  organization = { id: owned.organizationId };
  unsupported = await subscriptionsUnsupported(baseUrl, {
    authorization: `Bearer ${owned.accessToken}`,
    'x-aitip-org': organization.id,
  });
});

after(async () => {
  await browser?.close();
  await platform?.dispose();
});

/**
 * Whether the router runs subscriptions over graphql-ws on /graphql: an acknowledged connection
 * that accepts `organizationEvents`. Null when it does, else why not.
 */
async function subscriptionsUnsupported(baseUrl, connectionParams) {
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams,
  });
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('no connection_ack in time'), PROBE_TIMEOUT_MS);
      const dispose = client.subscribe(
        { query: 'subscription Probe { organizationEvents { cursor } }' },
        {
          next: () => {},
          error: (error) => {
            clearTimeout(timer);
            resolve(`the subscription failed: ${JSON.stringify(error?.reason ?? error?.message ?? error)}`);
          },
          complete: () => {},
        },
      );
      client.on('connected', () => {
        clearTimeout(timer);
        dispose();
        resolve(null);
      });
    });
  } finally {
    await client.dispose();
  }
}

test('the Activity page shows new organization events live, without a reload', async (t) => {
  assert.ok(browser && platform && organization);
  const { baseUrl } = platform;
  if (unsupported) {
    t.skip(`the router does not run subscriptions over graphql-ws yet (${unsupported})`);
    return;
  }

  const { page, context, pageErrors, foreignRequests } = await openPage(browser, baseUrl);
  // The page's WebSockets pass through the test, which records what the client subscribes with
  // and can drop a connection the way a network does.
  /** @type {{ variables?: { after?: string | null } }[]} */
  const subscribePayloads = [];
  /** @type {import('playwright-core').WebSocketRoute[]} */
  const sockets = [];
  await page.routeWebSocket(/\/graphql$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      const parsed = JSON.parse(String(message));
      if (parsed.type === 'subscribe') subscribePayloads.push(parsed.payload);
      server.send(message);
    });
    server.onMessage((message) => socket.send(message));
    sockets.push(socket);
  });
  try {
    await signInThroughUi(page, baseUrl, owner);
    const session = JSON.parse(await page.evaluate(() => window.localStorage.getItem('aitip.session') ?? 'null'));
    assert.equal(session.activeOrgId, organization.id);

    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor({ timeout: UI_TIMEOUT_MS });
    const connection = page.getByRole('status', { name: 'Feed connection' });
    await connection.getByText('live', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    // A reload would lose this mark.
    await page.evaluate(() => Object.assign(window, { activityTestMark: true }));

    // Changes made elsewhere: the same user's access token, straight to the API.
    const headers = { authorization: `Bearer ${session.accessToken}`, 'x-aitip-org': organization.id };
    const { createApiKey } = await callGraphQL(
      baseUrl,
      `mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`,
      { input: { name: 'live feed key', scopes: ['datasets:read'] } },
      headers,
    );
    await callGraphQL(
      baseUrl,
      `mutation SetSecret($name: String!, $value: String!) { setSecret(name: $name, value: $value) { name } }`,
      { name: 'LIVE_FEED_SECRET', value: 'not shown anywhere' },
      headers,
    );

    const feed = page.getByRole('table', { name: 'Activity' });
    await feed.getByRole('row').filter({ hasText: createApiKey.apiKey.id }).waitFor({
      timeout: EVENT_DEADLINE_MS,
    });
    await feed.getByRole('row').filter({ hasText: 'LIVE_FEED_SECRET' }).waitFor({ timeout: EVENT_DEADLINE_MS });

    const actions = await feed.getByRole('rowheader').allInnerTexts();
    // Newest first, each event once.
    assert.ok(actions.indexOf('secret.set') < actions.indexOf('apiKey.create'), JSON.stringify(actions));
    assert.equal(actions.filter((action) => action === 'apiKey.create').length, 1, JSON.stringify(actions));
    assert.equal(actions.filter((action) => action === 'secret.set').length, 1, JSON.stringify(actions));
    assert.equal(await page.evaluate(() => 'activityTestMark' in window), true, 'the page reloaded');
    assert.match(await connection.innerText(), /live/);

    // The connection drops (4499: terminated, which graphql-ws retries); the feed resubscribes
    // after the last event it has, so nothing shows twice.
    assert.equal(subscribePayloads.length, 1);
    assert.equal(subscribePayloads[0].variables?.after ?? null, null);
    await sockets[sockets.length - 1].close({ code: 4499, reason: 'dropped by the test' });
    const deadline = Date.now() + EVENT_DEADLINE_MS;
    while (subscribePayloads.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(subscribePayloads.length, 2, 'the feed did not subscribe again after the connection dropped');
    assert.equal(typeof subscribePayloads[1].variables?.after, 'string', JSON.stringify(subscribePayloads[1]));
    await connection.getByText('live', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    await callGraphQL(
      baseUrl,
      `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: createApiKey.apiKey.id },
      headers,
    );
    await feed.getByRole('rowheader', { name: 'apiKey.revoke' }).waitFor({ timeout: EVENT_DEADLINE_MS });
    const afterReconnect = await feed.getByRole('rowheader').allInnerTexts();
    assert.deepEqual(afterReconnect.slice(0, afterReconnect.indexOf('apiKey.create') + 1), [
      'apiKey.revoke',
      ...actions.slice(0, actions.indexOf('apiKey.create') + 1),
    ]);
    for (const action of ['apiKey.create', 'secret.set', 'apiKey.revoke']) {
      assert.equal(afterReconnect.filter((shown) => shown === action).length, 1, JSON.stringify(afterReconnect));
    }
    assert.equal(await page.evaluate(() => 'activityTestMark' in window), true, 'the page reloaded');

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }
});

test('the playground runs a subscription over the WebSocket with the session', async (t) => {
  assert.ok(browser && platform && organization);
  const { baseUrl } = platform;
  if (unsupported) {
    t.skip(`the router does not run subscriptions over graphql-ws yet (${unsupported})`);
    return;
  }
  const { page, context, pageErrors, foreignRequests } = await openPage(browser, baseUrl);
  try {
    await signInThroughUi(page, baseUrl, owner);
    const session = JSON.parse(await page.evaluate(() => window.localStorage.getItem('aitip.session') ?? 'null'));
    await page.goto(`${baseUrl}/playground`);
    const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
    await queryEditor.waitFor({ timeout: UI_TIMEOUT_MS });
    await queryEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('subscription PlaygroundLive { organizationEvents { action targetId } }');
    await page.getByRole('tab', { name: 'PlaygroundLive' }).waitFor({ timeout: UI_TIMEOUT_MS });
    // The subscription is in place once the client has sent its subscribe message on the socket
    // (listened for as the socket opens, so the frame cannot pass before the listener is there).
    const subscribed = new Promise((resolve) => {
      page.on('websocket', (socket) =>
        socket.on('framesent', (frame) => {
          if (String(frame.payload).includes('"type":"subscribe"')) resolve(undefined);
        }),
      );
    });
    await page.getByRole('button', { name: /execute query/i }).click();
    await Promise.race([
      subscribed,
      page.waitForTimeout(UI_TIMEOUT_MS).then(() => assert.fail('the playground did not subscribe over a WebSocket')),
    ]);

    await callGraphQL(
      baseUrl,
      `mutation SetSecret($name: String!, $value: String!) { setSecret(name: $name, value: $value) { name } }`,
      { name: 'PLAYGROUND_SECRET', value: 'not shown anywhere' },
      { authorization: `Bearer ${session.accessToken}`, 'x-aitip-org': organization.id },
    );
    await page.waitForFunction(
      () => {
        const text = document.querySelector('.graphiql-response .view-lines')?.textContent ?? '';
        return text.includes('secret.set') && text.includes('PLAYGROUND_SECRET');
      },
      undefined,
      { timeout: EVENT_DEADLINE_MS },
    );
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }
});
