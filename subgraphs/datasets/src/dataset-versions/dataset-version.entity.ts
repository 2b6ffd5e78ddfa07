import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An immutable version of a dataset: its files and their content hash. */
@Entity({ name: 'dataset_versions' })
export class DatasetVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'text' })
  status: string;

  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
