// End-to-end test of the web shell and the GraphQL playground in a real browser against the
// whole platform (router + eleven subgraphs) started as one process.
//
// Needs `npm run build` first (router/dist and web/dist). Set AITIP_WEB_TEST_URL to test an
// already running router instead of starting one (e.g. while working on the UI).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  UI_TIMEOUT_MS,
  assertBuilt,
  launchBrowser,
  openPage as openRecordedPage,
  postGraphQL,
  readSetupToken,
  signInThroughUi,
  startPlatform,
  waitUntilReady,
} from './platform.mjs';

const SUBGRAPH_NAMES = [
  'users',
  'datasets',
  'training',
  'inference',
  'experiments',
  'agent',
  'simulation',
  'scheduler',
  'resources',
  'releases',
  'tests',
];

/** @type {Awaited<ReturnType<typeof startPlatform>> | undefined} */
let platform;
let baseUrl = process.env.AITIP_WEB_TEST_URL?.replace(/\/$/, '') ?? '';
/** @type {import('playwright-core').Browser | undefined} */
let browser;
/**
 * Who the playground test signs in as. The router refuses anonymous introspection, so GraphiQL
 * needs a session: the first user, signed up with the setup token, on a platform the test
 * started; AITIP_WEB_TEST_EMAIL / AITIP_WEB_TEST_PASSWORD on one that was already running.
 * @type {{ email: string; password: string; displayName: string } | undefined}
 */
let user;

const openPage = () => {
  assert.ok(browser);
  return openRecordedPage(browser, baseUrl);
};

async function signUpFirstUser() {
  assert.ok(platform);
  const candidate = { email: 'first.user@example.com', password: 'correct horse battery', displayName: 'First User' };
  const answer = await postGraphQL(
    baseUrl,
    `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { user { id } } }`,
    { input: { ...candidate, setupToken: await readSetupToken(platform.dataDir) } },
  );
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return candidate;
}

before(async () => {
  if (!baseUrl) {
    platform = await startPlatform('aitip-web-ui-');
    baseUrl = platform.baseUrl;
  }
  assertBuilt({ needPlatform: false });
  await waitUntilReady(baseUrl, platform);
  if (platform) user = await signUpFirstUser();
  else if (process.env.AITIP_WEB_TEST_EMAIL && process.env.AITIP_WEB_TEST_PASSWORD) {
    user = {
      email: process.env.AITIP_WEB_TEST_EMAIL,
      password: process.env.AITIP_WEB_TEST_PASSWORD,
      displayName: process.env.AITIP_WEB_TEST_DISPLAY_NAME ?? '',
    };
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await platform?.dispose();
});

test('the status page shows every subgraph healthy', async () => {
  const { page, context, pageErrors, foreignRequests } = await openPage();
  try {
    await page.goto(`${baseUrl}/`);
    await page
      .getByText(`${SUBGRAPH_NAMES.length} of ${SUBGRAPH_NAMES.length} subgraphs healthy`)
      .waitFor({ timeout: UI_TIMEOUT_MS });

    // The shell's own GraphQL query (urql, HTTP POST /graphql) goes through the router.
    await page.getByText('answering', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });

    const rows = page.locator('table tbody tr');
    assert.equal(await rows.count(), SUBGRAPH_NAMES.length);
    for (const name of SUBGRAPH_NAMES) {
      const row = page.getByRole('row').filter({
        has: page.getByRole('rowheader').getByText(name, { exact: true }),
      });
      assert.equal(await row.count(), 1, `one row for subgraph ${name}`);
      assert.equal(await row.getByRole('cell').nth(0).innerText(), 'healthy', `${name} is healthy`);
    }

    // The shell routes on the client; signed out, a domain page asks to sign in first.
    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Training' }).click();
    await page.getByRole('heading', { name: 'Training' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByText('Sign in to see this page.').waitFor();
    assert.equal(new URL(page.url()).pathname, '/training');

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }
});

test('the playground runs a query and shows the response', async (t) => {
  if (!user) {
    t.skip('AITIP_WEB_TEST_URL is set without AITIP_WEB_TEST_EMAIL/AITIP_WEB_TEST_PASSWORD to sign in with');
    return;
  }
  const { page, context, pageErrors, foreignRequests } = await openPage();
  try {
    // The playground sends the web UI's stored session, and a domain page shows its placeholder.
    await signInThroughUi(page, baseUrl, user);
    await page.getByRole('navigation', { name: 'Domains' }).getByRole('link', { name: 'Models' }).click();
    await page.getByText('Not built yet.').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.goto(`${baseUrl}/playground`);
    const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
    await queryEditor.waitFor({ timeout: UI_TIMEOUT_MS });

    // Replace the default query; insertText types it in one go, without Monaco auto-closing braces.
    await queryEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('query WebUiTest { __typename }');
    // GraphiQL takes in an edit after a short debounce; the tab title shows when it has.
    await page.getByRole('tab', { name: 'WebUiTest' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: /execute query/i }).click();

    const response = await page.waitForFunction(
      () => {
        const lines = document.querySelector('.graphiql-response .view-lines');
        const text = lines?.textContent?.replace(/\u00a0/g, ' ') ?? '';
        return text.includes('"__typename": "Query"') ? text : false;
      },
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    const text = String(await response.jsonValue());
    assert.match(text, /"data": \{/);
    assert.doesNotMatch(text, /"errors"/);

    // GraphiQL's schema fetch (introspection) goes out with the session too: the Docs pane has the schema.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.getByRole('region', { name: 'Documentation Explorer' });
    const schemaShown = docs.getByText('Root Types');
    const schemaFailed = docs.getByText('Error fetching schema');
    await schemaShown.or(schemaFailed).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.ok(await schemaShown.isVisible(), 'GraphiQL could not fetch the schema (introspection) with the session');

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  } finally {
    await context.close();
  }
});

test('the status page says so when the router goes away', async (t) => {
  if (!platform) {
    t.skip('AITIP_WEB_TEST_URL is set: the test did not start the platform, so it does not stop it');
    return;
  }
  const { page, context } = await openPage();
  try {
    await page.goto(`${baseUrl}/status`);
    await page.getByText('subgraphs healthy').waitFor({ timeout: UI_TIMEOUT_MS });
    await platform.stop();
    await page.getByRole('alert').getByText('Cannot reach the AITIP router.').waitFor({ timeout: UI_TIMEOUT_MS });
  } finally {
    await context.close();
  }
});
