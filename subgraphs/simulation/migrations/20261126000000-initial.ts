import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the tables the simulation subgraph owns: Scenario, SimulationRun, Finding and Report. */
export class SimulationInitial20261126000000 implements MigrationInterface {
  name = 'SimulationInitial20261126000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE simulation.scenarios (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE simulation.simulation_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        scenario_id uuid NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE UNIQUE INDEX scenarios_org_name_key ON simulation.scenarios (org_id, name);
      ALTER TABLE simulation.simulation_runs ADD FOREIGN KEY (scenario_id) REFERENCES simulation.scenarios (id) ON DELETE CASCADE;

      CREATE TABLE simulation.findings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        run_id uuid NOT NULL REFERENCES simulation.simulation_runs (id) ON DELETE CASCADE,
        severity text NOT NULL,
        title text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE simulation.reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        run_id uuid NOT NULL UNIQUE REFERENCES simulation.simulation_runs (id) ON DELETE CASCADE,
        summary text NOT NULL,
        blob_key text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE simulation.reports;
      DROP TABLE simulation.findings;
      DROP TABLE simulation.simulation_runs;
      DROP TABLE simulation.scenarios;
    `);
  }
}
