import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the scheduler subgraph owns: QueueEntry, PriorityClass, Allocation and SchedulingEvent. */
export class SchedulerInitial20261126000000 implements MigrationInterface {
  name = 'SchedulerInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheduler.queue_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        job_id uuid NOT NULL,
        priority int NOT NULL,
        state text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE scheduler.priority_classes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        value int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX priority_classes_name_key ON scheduler.priority_classes (name);

      CREATE TABLE scheduler.allocations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        entry_id uuid NOT NULL REFERENCES scheduler.queue_entries (id) ON DELETE CASCADE,
        node_id uuid,
        cpu_millis int NOT NULL DEFAULT 0,
        memory_mib int NOT NULL DEFAULT 0,
        gpus int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz
      );

      CREATE TABLE scheduler.scheduling_events (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL,
        entry_id uuid NOT NULL REFERENCES scheduler.queue_entries (id) ON DELETE CASCADE,
        kind text NOT NULL,
        message text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE scheduler.scheduling_events;
      DROP TABLE scheduler.allocations;
      DROP TABLE scheduler.priority_classes;
      DROP TABLE scheduler.queue_entries;
    `);
  }
}
