import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One execution of a scenario against a target. */
@Entity({ name: 'simulation_runs' })
export class SimulationRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'scenario_id', type: 'uuid' })
  scenarioId: string;

  @Column({ type: 'text' })
  status: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
