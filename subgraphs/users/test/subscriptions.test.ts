import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER, type Identity } from '@aitip/kit';
import {
  createOrg,
  eventually,
  member,
  signUpFirst,
  startUsers,
  type DatabaseKind,
  type UsersHarness,
} from './support.js';

const AUDIT_EVENT_ADDED = `subscription($after: String) {
  auditEventAdded(after: $after) { cursor event { id orgId action targetType targetId result createdAt } }
}`;
const ORGANIZATION_EVENTS = `subscription($after: String) {
  organizationEvents(after: $after) { cursor action actorKind actorId targetType targetId result createdAt }
}`;
const SET_SECRET = `mutation($name: String!) { setSecret(name: $name, value: "value") { id } }`;

/** One graphql-ws subscription: what it received so far, and a way to end it. */
interface Subscriber {
  items: Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  ended: Promise<void>;
  dispose(): void;
}

for (const kind of ['postgres', 'pglite'] as DatabaseKind[]) {
  describe(`users subscriptions (${kind === 'postgres' ? 'PostgreSQL + Redis bus' : 'PGlite + in-process bus'})`, () => {
    let h: UsersHarness;
    const clients: Client[] = [];
    let ownerA: Identity;
    let ownerB: Identity;
    let orgA: string;
    let orgB: string;

    /** Subscribes over graphql-ws as `identity`, the way the router forwards a client's subscription. */
    const subscribe = (query: string, variables: Record<string, unknown>, identity: Identity): Subscriber => {
      const client = createClient({
        url: h.subgraph.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { [IDENTITY_HEADER]: h.sign(identity) },
        retryAttempts: 0,
      });
      clients.push(client);
      const subscriber: Subscriber = { items: [], errors: [], ended: Promise.resolve(), dispose: () => {} };
      subscriber.ended = new Promise((resolve) => {
        subscriber.dispose = client.subscribe(
          { query, variables },
          {
            next: (result) => {
              if (result.errors) subscriber.errors.push(...(result.errors as Subscriber['errors']));
              const data = result.data as Record<string, unknown> | null | undefined;
              const item = data && Object.values(data)[0];
              if (item) subscriber.items.push(item as Record<string, unknown>);
            },
            error: (error) => {
              subscriber.errors.push(...(Array.isArray(error) ? error : [{ message: String(error) }]));
              resolve();
            },
            complete: () => resolve(),
          },
        );
      });
      return subscriber;
    };

    /** The `secret.set` events a subscriber received, by secret name. */
    const secretsSet = (subscriber: Subscriber) =>
      subscriber.items
        .map((item) => (item['event'] ?? item) as Record<string, unknown>)
        .filter((event) => event['action'] === 'secret.set')
        .map((event) => event['targetId']);

    before(async () => {
      h = await startUsers(kind);
      const admin = await signUpFirst(h);
      ({
        org: { id: orgA },
        owner: ownerA,
      } = await createOrg(h, admin.user.id));
      ({
        org: { id: orgB },
        owner: ownerB,
      } = await createOrg(h, admin.user.id));
    });

    after(async () => {
      for (const client of clients) await client.dispose();
      await h?.close();
    });

    test("an organization's subscriber receives its audit events live, never another organization's", async () => {
      const auditor = subscribe(AUDIT_EVENT_ADDED, {}, ownerA);
      const auditorB = subscribe(AUDIT_EVENT_ADDED, {}, ownerB);
      await h.ok(SET_SECRET, { name: 'A_FIRST' }, ownerA);
      await h.ok(SET_SECRET, { name: 'B_FIRST' }, ownerB);
      await h.ok(SET_SECRET, { name: 'A_SECOND' }, ownerA);
      await eventually(
        async () => (secretsSet(auditor).length >= 2 ? true : undefined),
        "org A's secret.set events on the subscription",
      );
      assert.deepEqual(auditor.errors, []);
      assert.deepEqual(secretsSet(auditor), ['A_FIRST', 'A_SECOND']);
      await eventually(async () => (secretsSet(auditorB).length >= 1 ? true : undefined), "org B's event");
      assert.deepEqual(secretsSet(auditorB), ['B_FIRST']);
      assert.ok(auditorB.items.every((item) => item['event'].orgId === orgB));
      auditorB.dispose();
      for (const { cursor, event } of auditor.items) {
        assert.equal(event.orgId, orgA);
        assert.match(cursor, /^\d+-\d+$/);
        assert.match(event.id, /^\d+$/);
      }

      // resuming after a received cursor replays exactly the later events, then follows live ones
      const index = auditor.items.findIndex((item) => item['event'].targetId === 'A_FIRST');
      const resumed = subscribe(AUDIT_EVENT_ADDED, { after: auditor.items[index]!['cursor'] }, ownerA);
      const expected = auditor.items.slice(index + 1);
      await eventually(
        async () => (resumed.items.length >= expected.length ? true : undefined),
        'the replay after the cursor',
      );
      await h.ok(SET_SECRET, { name: 'A_THIRD' }, ownerA);
      await eventually(
        async () =>
          secretsSet(resumed).includes('A_THIRD') && secretsSet(auditor).includes('A_THIRD') ? true : undefined,
        'the live event on both subscriptions',
      );
      assert.deepEqual(resumed.items, auditor.items.slice(index + 1));
      assert.deepEqual(secretsSet(resumed), ['A_SECOND', 'A_THIRD']);
      auditor.dispose();
      resumed.dispose();
      await Promise.all([auditor.ended, resumed.ended]);
    });

    test('every member follows organizationEvents; the full audit feed needs audit:read', async () => {
      const viewer = member(ownerA.userId!, orgA, 'viewer');
      const feed = subscribe(ORGANIZATION_EVENTS, {}, viewer);
      await h.ok(SET_SECRET, { name: 'A_FOURTH' }, ownerA);
      await eventually(async () => (secretsSet(feed).includes('A_FOURTH') ? true : undefined), 'the organization feed');
      assert.deepEqual(feed.errors, []);
      assert.ok(feed.items.every((item) => typeof item['cursor'] === 'string' && item['actorKind'] === 'user'));
      assert.ok(!secretsSet(feed).includes('B_FIRST'));
      feed.dispose();

      const denied = subscribe(AUDIT_EVENT_ADDED, {}, viewer);
      await denied.ended;
      assert.equal(denied.items.length, 0);
      assert.equal(denied.errors[0]?.extensions?.['code'], 'FORBIDDEN');
      assert.match(denied.errors[0]!.message, /audit:read/);

      const noOrg = subscribe(ORGANIZATION_EVENTS, {}, member(ownerA.userId!, undefined));
      await noOrg.ended;
      assert.equal(noOrg.errors[0]?.extensions?.['code'], 'FORBIDDEN');

      const badCursor = subscribe(AUDIT_EVENT_ADDED, { after: 'yesterday' }, ownerA);
      await badCursor.ended;
      assert.equal(badCursor.errors[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    });
  });
}
