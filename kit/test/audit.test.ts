import 'reflect-metadata';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphql } from 'graphql';
import { Arg, ID, Mutation, Query, Resolver, buildSchema } from 'type-graphql';
import {
  AUDIT_QUEUE,
  Audited,
  ConflictError,
  MemoryQueue,
  Public,
  QueueAuditSink,
  Requires,
  createLogger,
  runInRequestScope,
  type AuditEvent,
  type Identity,
} from '../src/index.js';

@Resolver()
class ProjectResolver {
  @Query(() => String)
  @Public()
  ping(): string {
    return 'pong';
  }

  @Mutation(() => ID)
  @Audited('project.create', 'Project')
  @Requires('datasets:write')
  createProject(@Arg('name', () => String) name: string): string {
    if (name === 'taken') throw new ConflictError('A project with this name exists; choose another name.');
    return 'p-1';
  }

  @Mutation(() => Boolean)
  @Audited('project.delete', 'Project')
  @Requires('datasets:write')
  deleteProject(@Arg('id', () => ID) _id: string): boolean {
    return true;
  }
}

const caller: Identity = {
  kind: 'user',
  userId: 'u-1',
  orgId: 'o-1',
  roles: ['member'],
  scopes: ['datasets:write'],
  clientIp: '10.0.0.7',
};

async function runAudited(source: string, identity: Identity): Promise<AuditEvent[]> {
  const schema = await buildSchema({ resolvers: [ProjectResolver], validate: false });
  const events: AuditEvent[] = [];
  const sink = { record: async (event: AuditEvent) => void events.push(event) };
  await runInRequestScope({ requestId: 'req-42' }, () =>
    graphql({ schema, source, contextValue: { identity, audit: { sink, service: 'projects' } } }),
  );
  return events;
}

describe('@Audited', () => {
  test('a successful mutation records actor, organization, target from the result, request id and service', async () => {
    const [event, ...rest] = await runAudited('mutation { createProject(name: "x") }', caller);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...event!, at: undefined },
      {
        orgId: 'o-1',
        actorKind: 'user',
        actorId: 'u-1',
        action: 'project.create',
        targetType: 'Project',
        targetId: undefined,
        result: 'success',
        requestId: 'req-42',
        service: 'projects',
        clientIp: '10.0.0.7',
        at: undefined,
      },
    );
  });

  test('the target id comes from the id argument when the result has none', async () => {
    const [event] = await runAudited('mutation { deleteProject(id: "p-9") }', caller);
    assert.equal(event!.targetId, 'p-9');
  });

  test('a failed mutation is recorded with its error code, and a refused one too', async () => {
    const [failed] = await runAudited('mutation { createProject(name: "taken") }', caller);
    assert.equal(failed!.result, 'failure');
    assert.equal(failed!.errorCode, 'CONFLICT');
    const viewer: Identity = { ...caller, roles: ['viewer'], scopes: ['datasets:read'] };
    const [refused] = await runAudited('mutation { createProject(name: "x") }', viewer);
    assert.equal(refused!.result, 'failure');
    assert.equal(refused!.errorCode, 'FORBIDDEN');
  });

  test('API keys are recorded by key id', async () => {
    const key: Identity = {
      kind: 'service',
      apiKeyId: 'k-1',
      userId: 'u-1',
      orgId: 'o-1',
      roles: [],
      scopes: ['admin'],
    };
    const [event] = await runAudited('mutation { deleteProject(id: "p-1") }', key);
    assert.equal(event!.actorKind, 'service');
    assert.equal(event!.actorId, 'k-1');
  });

  test('the queue sink sends events on the durable audit queue', async () => {
    const queue = new MemoryQueue(createLogger('test', 'silent'));
    try {
      const received: unknown[] = [];
      await queue.consume(AUDIT_QUEUE, async (message) => void received.push(message.payload));
      const sink = new QueueAuditSink(queue, createLogger('test', 'silent'));
      const event: AuditEvent = {
        actorKind: 'user',
        action: 'x.y',
        result: 'success',
        service: 's',
        at: new Date().toISOString(),
      };
      await sink.record(event);
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(received, [event]);
    } finally {
      await queue.close();
    }
  });
});
