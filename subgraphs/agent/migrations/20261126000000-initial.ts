import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the agent subgraph owns: Conversation, Message, ToolCall, AgentTask, Webhook and Recommendation. */
export class AgentInitial20261126000000 implements MigrationInterface {
  name = 'AgentInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent.conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        title text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE agent.agent_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE agent.messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        conversation_id uuid NOT NULL REFERENCES agent.conversations (id) ON DELETE CASCADE,
        role text NOT NULL,
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE agent.tool_calls (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        message_id uuid NOT NULL REFERENCES agent.messages (id) ON DELETE CASCADE,
        tool text NOT NULL,
        arguments jsonb NOT NULL DEFAULT '{}',
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE agent.webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        url text NOT NULL,
        events text[] NOT NULL DEFAULT '{}',
        secret_ref text,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE agent.recommendations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        kind text NOT NULL,
        title text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE agent.recommendations;
      DROP TABLE agent.webhooks;
      DROP TABLE agent.tool_calls;
      DROP TABLE agent.messages;
      DROP TABLE agent.agent_tasks;
      DROP TABLE agent.conversations;
    `);
  }
}
