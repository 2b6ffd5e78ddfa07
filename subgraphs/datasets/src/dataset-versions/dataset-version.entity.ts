import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ColumnProfile, FileProfile } from '../profiling/index.js';

/** What the version page shows of an image archive: classes, splits and thumbnail keys. */
export interface StoredImages {
  count: number;
  classes: Array<{ label: string; count: number }>;
  splits: Array<{ name: string; count: number }>;
  thumbnails: Array<{ path: string; label: string | null; width: number; height: number; key: string }>;
}

/** An immutable version of a dataset: files that validated, their content hash and profile. */
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

  /** sha256 of the manifest (each file's path, size and sha256, sorted by path). */
  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash: string | null;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes: string;

  @Column({ name: 'file_count', type: 'int' })
  fileCount: number;

  @Column({ name: 'row_count', type: 'bigint', nullable: true })
  rowCount: string | null;

  @Column({ type: 'text', nullable: true })
  format: string | null;

  /** The profile of the first tabular file (schema and per-column stats). */
  @Column({ type: 'jsonb', nullable: true })
  columns: ColumnProfile[] | null;

  @Column({ type: 'jsonb', nullable: true })
  preview: FileProfile['preview'] | null;

  @Column({ type: 'jsonb', nullable: true })
  images: StoredImages | null;

  @Column({ name: 'label_column', type: 'text', nullable: true })
  labelColumn: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'upload_id', type: 'uuid', nullable: true })
  uploadId: string | null;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt: Date | null;
}

/** One file of a version. */
@Entity({ name: 'dataset_files' })
export class DatasetFileEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId: string;

  @Column({ type: 'text' })
  path: string;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes: string;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'blob_key', type: 'text', nullable: true })
  blobKey: string | null;

  @Column({ type: 'text', nullable: true })
  format: string | null;

  @Column({ type: 'text', nullable: true })
  split: string | null;

  @Column({ name: 'row_count', type: 'bigint', nullable: true })
  rowCount: string | null;

  @Column({ type: 'jsonb', nullable: true })
  profile: Omit<FileProfile, 'images'> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
