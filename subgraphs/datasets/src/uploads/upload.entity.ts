import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ValidationIssue } from '../profiling/index.js';

/** One file of an upload session: where its parts go and how they are cut. */
export interface UploadFile {
  path: string;
  size: number;
  contentType: string;
  /** The staged object's key; it becomes the version file's key when the upload validates. */
  key: string;
  /** The storage's multipart upload id. */
  multipartId: string;
  partSize: number;
  partCount: number;
  /** What the client said the file's sha256 is, checked during validation. */
  sha256?: string;
}

export type UploadStatus = 'UPLOADING' | 'COMPLETING' | 'VALIDATING' | 'READY' | 'INVALID' | 'ABORTED' | 'EXPIRED';

/** An upload session: files going straight to object storage, then validated into a version. */
@Entity({ name: 'upload_sessions' })
export class UploadSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ type: 'text' })
  status: UploadStatus;

  @Column({ type: 'jsonb' })
  files: UploadFile[];

  @Column({ name: 'total_bytes', type: 'bigint' })
  totalBytes: string;

  @Column({ name: 'label_column', type: 'text', nullable: true })
  labelColumn: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'real' })
  progress: number;

  @Column({ type: 'jsonb', nullable: true })
  issues: ValidationIssue[] | null;

  @Column({ name: 'version_id', type: 'uuid', nullable: true })
  versionId: string | null;

  @Column({ type: 'boolean' })
  deduplicated: boolean;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
