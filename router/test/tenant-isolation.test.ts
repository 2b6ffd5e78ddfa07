import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  IDENTITY_HEADER,
  inTenant,
  openPlatformResources,
  scopesForRole,
  signIdentity,
  startSubgraph,
  type Identity,
  type PlatformResources,
  type RunningSubgraph,
} from '@aitip/kit';
import { createTestDatabase } from '@aitip/kit/dist/src/testing/index.js';
import { domainEntityCases as cases, type EntityCase, type SubgraphCase } from './tenant-fixtures.js';

// Tenant isolation of the ten domain subgraphs, against each subgraph's own port (as the router calls
// it): the signed identity is required, root fields check the domain's read scope, and neither the
// root lookups, nor `_entities`, nor a raw query inside inTenant ever shows another organization's rows.

const orgA = randomUUID();
const orgB = randomUUID();
const secret = randomBytes(32).toString('hex');
const anonymous: Identity = { kind: 'anonymous', roles: [], scopes: [] };

/** A member of `orgId` with the member role's scopes, or with `scopes` when given. */
function member(orgId: string | undefined, scopes: readonly string[] = scopesForRole('member')): Identity {
  return { kind: 'user', userId: 'user-1', sessionId: 'session-1', orgId, roles: ['member'], scopes: [...scopes] };
}

/** The scope the subgraph's root fields require (the subgraph name is its scope domain). */
const readScope = (subgraph: SubgraphCase) => `${subgraph.definition.name}:read`;

/** Inserts one row of `entity` on the owner connection (which row-level security does not apply to). */
async function insertRow(running: RunningSubgraph, entity: EntityCase, id: string, orgId: string): Promise<void> {
  await running.db.query(entity.insert, entity.shared ? [id] : [id, orgId]);
}

/** Posts `query` to the subgraph's own port, signed as `identity` (no identity header when undefined). */
async function call(running: RunningSubgraph, identity: Identity | undefined, query: string, variables = {}) {
  const response = await fetch(running.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(identity ? { [IDENTITY_HEADER]: signIdentity(identity, secret) } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
  return { response, body };
}

const fieldsOf = (entity: EntityCase) => (entity.shared ? 'id' : 'id orgId');
const entitiesQuery = (entity: EntityCase) =>
  `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${entity.type} { ${fieldsOf(entity)} } } }`;
const rootQuery = (entity: EntityCase) => `query ($id: ID!) { ${entity.query}(id: $id) { ${fieldsOf(entity)} } }`;
const refs = (entity: EntityCase, ...ids: string[]) => ({ r: ids.map((id) => ({ __typename: entity.type, id })) });
/** The object a lookup of the row `id` of `orgId` returns. */
const expected = (entity: EntityCase, id: string, orgId: string) => (entity.shared ? { id } : { id, orgId });

/** Opens the platform's adapters on a fresh database of one kind (in-memory bus and queue). */
type OpenResources = () => Promise<{ resources: PlatformResources; close(): Promise<void> }>;

const postgres: OpenResources = async () => {
  const database = await createTestDatabase('aitip_tenants');
  const dataDir = mkdtempSync(join(tmpdir(), 'aitip-tenants-'));
  const resources = await openResources(dataDir, database.url);
  return {
    resources,
    async close() {
      await resources.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

const pglite: OpenResources = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aitip-tenants-'));
  const resources = await openResources(dataDir, undefined);
  return {
    resources,
    async close() {
      await resources.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

function openResources(dataDir: string, databaseUrl: string | undefined): Promise<PlatformResources> {
  return openPlatformResources(
    { DATABASE_URL: databaseUrl, AITIP_DATA_DIR: dataDir, S3_BUCKET: 'aitip', S3_REGION: 'us-east-1' },
    { logger: createLogger('aitip-test', 'silent'), signingSecret: secret, publicBaseUrl: 'http://127.0.0.1:1' },
  );
}

function tenantIsolationSuite(label: string, open: OpenResources) {
  describe(`tenant isolation of the domain subgraphs on ${label}`, () => {
    let close: (() => Promise<void>) | undefined;
    const running = new Map<string, RunningSubgraph>();
    /** The id of the row of each entity type for org A and for org B. */
    const rows = new Map<string, { a: string; b: string }>();

    before(async () => {
      const opened = await open();
      close = opened.close;
      for (const subgraph of cases) {
        const started = await startSubgraph(subgraph.definition, opened.resources, {
          port: 0,
          host: '127.0.0.1',
          internalSecret: secret,
          logger: createLogger('aitip-test', 'silent'),
          env: {},
        });
        running.set(subgraph.definition.name, started);
        for (const entity of subgraph.entities) {
          const ids = { a: randomUUID(), b: randomUUID() };
          await insertRow(started, entity, ids.a, orgA);
          await insertRow(started, entity, ids.b, orgB);
          rows.set(entity.type, ids);
        }
      }
    });

    after(async () => {
      for (const subgraph of running.values()) await subgraph.close();
      await close?.();
    });

    for (const subgraph of cases) {
      const name = subgraph.definition.name;
      const scope = readScope(subgraph);

      describe(`${name} subgraph`, () => {
        test('every table with an org_id column has the tenant_isolation row-level security policy', async () => {
          const tables = (await running.get(name)!.db.query(
            `SELECT c.relname AS table, c.relrowsecurity AS secured,
                    EXISTS (SELECT 1 FROM pg_policy p
                             WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policy
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relkind = 'r'
                AND EXISTS (SELECT 1 FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped)
              ORDER BY 1`,
            [name],
          )) as Array<{ table: string; secured: boolean; policy: boolean }>;
          assert.ok(tables.length > 0, `${name} has tenant tables`);
          assert.deepEqual(
            tables.filter((t) => !t.secured || !t.policy).map((t) => t.table),
            [],
            'tables without row-level security',
          );
        });

        for (const entity of subgraph.entities) {
          const ids = () => rows.get(entity.type)!;
          const db = () => running.get(name)!;

          test(`${entity.type}: without the signed identity header, 401 and no data`, async () => {
            const { response, body } = await call(db(), undefined, entitiesQuery(entity), refs(entity, ids().a));
            assert.equal(response.status, 401);
            assert.equal(body.data, undefined);
            assert.equal(body.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
            const root = await call(db(), undefined, rootQuery(entity), { id: ids().a });
            assert.equal(root.response.status, 401);
            assert.equal(root.body.data, undefined);
          });

          if (entity.shared) {
            test(`${entity.type} (platform-wide): every organization reads every row`, async () => {
              for (const orgId of [orgA, orgB]) {
                const { body } = await call(db(), member(orgId), entitiesQuery(entity), refs(entity, ids().a, ids().b));
                assert.deepEqual(body, { data: { _entities: [{ id: ids().a }, { id: ids().b }] } });
                for (const id of [ids().a, ids().b]) {
                  const root = await call(db(), member(orgId), rootQuery(entity), { id });
                  assert.deepEqual(root.body, { data: { [entity.query]: { id } } });
                }
              }
            });
          } else {
            test(`${entity.type}: _entities for org A returns A's object and null for B's`, async () => {
              const { body } = await call(db(), member(orgA), entitiesQuery(entity), refs(entity, ids().b, ids().a));
              assert.deepEqual(body, { data: { _entities: [null, expected(entity, ids().a, orgA)] } });
              const asB = await call(db(), member(orgB), entitiesQuery(entity), refs(entity, ids().a, ids().b));
              assert.deepEqual(asB.body, { data: { _entities: [null, expected(entity, ids().b, orgB)] } });
            });

            test(`${entity.type}: ${entity.query}(id) for org A returns A's object and null for B's`, async () => {
              const theirs = await call(db(), member(orgA), rootQuery(entity), { id: ids().b });
              assert.deepEqual(theirs.body, { data: { [entity.query]: null } });
              const mine = await call(db(), member(orgA), rootQuery(entity), { id: ids().a });
              assert.deepEqual(mine.body, { data: { [entity.query]: expected(entity, ids().a, orgA) } });
            });
          }

          test(`${entity.type}: anonymous: UNAUTHENTICATED on ${entity.query}, null from _entities`, async () => {
            const root = await call(db(), anonymous, rootQuery(entity), { id: ids().a });
            assert.equal(root.body.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
            assert.deepEqual(root.body.data, { [entity.query]: null });
            const { body } = await call(db(), anonymous, entitiesQuery(entity), refs(entity, ids().a, ids().b));
            assert.deepEqual(body, { data: { _entities: [null, null] } });
          });

          test(`${entity.type}: without ${scope}, FORBIDDEN on ${entity.query} and null from _entities`, async () => {
            const withoutScope = member(
              orgA,
              scopesForRole('member').filter((s) => s !== scope),
            );
            const root = await call(db(), withoutScope, rootQuery(entity), { id: ids().a });
            assert.equal(root.body.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
            assert.deepEqual(root.body.data, { [entity.query]: null });
            const { body } = await call(db(), withoutScope, entitiesQuery(entity), refs(entity, ids().a));
            assert.deepEqual(body, { data: { _entities: [null] } });
          });

          test(`${entity.type}: no organization chosen: FORBIDDEN, and no rows`, async () => {
            const root = await call(db(), member(undefined), rootQuery(entity), { id: ids().a });
            assert.equal(root.body.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
            const { body } = await call(db(), member(undefined), entitiesQuery(entity), refs(entity, ids().a));
            assert.deepEqual(body, { data: { _entities: [null] } });
          });

          test(`${entity.type}: inside inTenant, a query without a where clause sees only org A's rows`, async () => {
            const seen = (await inTenant(db().db, orgA, (m) =>
              m.query(`SELECT id, ${entity.shared ? 'NULL AS org_id' : 'org_id'} FROM ${name}.${entity.table}`),
            )) as Array<{ id: string; org_id: string | null }>;
            const seenIds = seen.map((row) => row.id);
            assert.ok(seenIds.includes(ids().a));
            if (entity.shared) {
              assert.ok(seenIds.includes(ids().b), 'platform-wide rows are visible to every organization');
            } else {
              assert.ok(seen.length > 0);
              assert.deepEqual([...new Set(seen.map((row) => row.org_id))], [orgA]);
            }
          });

          const forbiddenRow = entity.shared ? 'a platform-wide row' : "org B's row";
          test(`${entity.type}: inside inTenant for org A, writing ${forbiddenRow} is refused`, async () => {
            const attempt = inTenant(db().db, orgA, (m) =>
              m.query(entity.insert, entity.shared ? [randomUUID()] : [randomUUID(), orgB]),
            );
            await assert.rejects(attempt, entity.shared ? /permission denied/ : /row-level security/);
          });

          test(`${entity.type}: SQL-injection-shaped ids find nothing and leave the table intact`, async () => {
            const before = await db().db.query(`SELECT count(*)::int AS n FROM ${name}.${entity.table}`);
            for (const id of [`' OR 1=1 --`, `1; DROP TABLE ${name}.${entity.table}`, `${ids().a}' OR '1'='1`]) {
              const root = await call(db(), member(orgA), rootQuery(entity), { id });
              assert.deepEqual(root.body, { data: { [entity.query]: null } });
              const inline = await call(db(), member(orgA), `{ ${entity.query}(id: ${JSON.stringify(id)}) { id } }`);
              assert.deepEqual(inline.body, { data: { [entity.query]: null } });
              const { body } = await call(db(), member(orgA), entitiesQuery(entity), refs(entity, id));
              assert.deepEqual(body, { data: { _entities: [null] } });
            }
            const afterwards = await db().db.query(`SELECT count(*)::int AS n FROM ${name}.${entity.table}`);
            assert.deepEqual(afterwards, before);
            const mine = await call(db(), member(orgA), rootQuery(entity), { id: ids().a });
            assert.deepEqual(mine.body, { data: { [entity.query]: expected(entity, ids().a, orgA) } });
          });
        }
      });
    }
  });
}

tenantIsolationSuite('PostgreSQL', postgres);
tenantIsolationSuite('PGlite', pglite);
