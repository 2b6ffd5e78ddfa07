import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the tests subgraph owns: TestSuite, TestCase, TestRun and GateResult. */
export class TestsInitial20261126000000 implements MigrationInterface {
  name = 'TestsInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tests.test_suites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE tests.test_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        suite_id uuid NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX test_suites_org_name_key ON tests.test_suites (org_id, name);
      ALTER TABLE tests.test_runs ADD FOREIGN KEY (suite_id) REFERENCES tests.test_suites (id) ON DELETE CASCADE;

      CREATE TABLE tests.test_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        suite_id uuid NOT NULL REFERENCES tests.test_suites (id) ON DELETE CASCADE,
        name text NOT NULL,
        kind text NOT NULL,
        spec jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE tests.gate_results (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        run_id uuid NOT NULL REFERENCES tests.test_runs (id) ON DELETE CASCADE,
        case_id uuid REFERENCES tests.test_cases (id) ON DELETE SET NULL,
        passed boolean NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE tests.gate_results;
      DROP TABLE tests.test_cases;
      DROP TABLE tests.test_runs;
      DROP TABLE tests.test_suites;
    `);
  }
}
