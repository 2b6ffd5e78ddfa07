import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openServiceDatabase } from '@aitip/kit';
import { embeddedTestTarget, postgresTestTarget } from '@aitip/kit/dist/src/testing/index.js';
import { usersSubgraph } from '../src/subgraph.js';

for (const kind of ['postgres', 'pglite'] as const) {
  describe(`users migrations (${kind})`, () => {
    test('go up, down and up again', async () => {
      const database = kind === 'postgres' ? await postgresTestTarget('aitip_users_mig') : await embeddedTestTarget();
      const db = await openServiceDatabase({
        target: database.target,
        schema: 'users',
        entities: usersSubgraph.entities,
        migrations: usersSubgraph.migrations,
      });
      try {
        const tables = async () =>
          (
            (await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'users' ORDER BY tablename`)) as Array<{
              tablename: string;
            }>
          ).map((r) => r.tablename);
        assert.ok((await tables()).includes('refresh_tokens'));
        await db.undoLastMigration({ transaction: 'each' });
        assert.deepEqual(
          (await tables()).filter((t) => t !== 'migrations'),
          ['api_keys', 'audit_events', 'memberships', 'organizations', 'users'],
        );
        await db.undoLastMigration({ transaction: 'each' });
        assert.deepEqual(
          (await tables()).filter((t) => t !== 'migrations'),
          [],
        );
        await db.runMigrations({ transaction: 'each' });
        assert.ok((await tables()).includes('setup_tokens'));
      } finally {
        await db.destroy();
        await database.close();
      }
    });
  });
}
