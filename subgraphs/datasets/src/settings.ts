import { z } from 'zod';
import { env } from '@aitip/kit';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The datasets subgraph's own settings, read from the environment in every mode. */
export const datasetsSettingsSchema = z.object({
  DATASETS_MAX_FILE_BYTES: env.positiveInt(50 * GiB, 'largest file one upload may hold, in bytes'),
  DATASETS_MAX_FILES: env.positiveInt(10_000, 'most files one upload may hold'),
  DATASETS_STORAGE_QUOTA_BYTES: env.positiveInt(
    1024 * GiB,
    "bytes of dataset storage each organization may use (versions kept plus uploads in progress) until the resources issue's per-org quotas replace it",
  ),
  DATASETS_PART_SIZE_BYTES: env.positiveInt(
    16 * MiB,
    'bytes per multipart part (at least 5 MiB; raised for files over 10,000 parts)',
  ),
  DATASETS_UPLOAD_TTL_SECONDS: env.positiveInt(
    24 * 3600,
    'seconds an upload session may stay incomplete before it is cleaned up',
  ),
  DATASETS_URL_TTL_SECONDS: env.positiveInt(3600, 'seconds a presigned upload or download URL stays valid'),
  DATASETS_RETENTION_SECONDS: env.positiveInt(
    7 * 24 * 3600,
    'seconds a deleted version can be restored before it is removed for good',
  ),
  DATASETS_SWEEP_SECONDS: env.positiveInt(60, 'seconds between sweeps for expired uploads and versions past retention'),
  DATASETS_MAX_ARCHIVE_ENTRIES: env.positiveInt(100_000, 'most entries an image archive may hold'),
  DATASETS_MAX_ARCHIVE_BYTES: env.positiveInt(20 * GiB, 'most bytes an image archive may expand to'),
  DATASETS_MAX_COMPRESSION_RATIO: env.positiveInt(100, 'highest expanded-to-compressed ratio an archive may have'),
  DATASETS_PROFILE_MEMORY_BYTES: env.positiveInt(256 * MiB, 'memory DuckDB may use while profiling one file'),
  DATASETS_PROFILE_THREADS: env.positiveInt(2, 'threads DuckDB may use while profiling one file'),
  DATASETS_PROFILE_EXACT_BYTES: env.positiveInt(
    256 * MiB,
    'CSV/TSV files up to this size get exact histograms and top values (a second scan); bigger ones get estimates from a sample',
  ),
  DATASETS_PROFILE_SAMPLE_BYTES: env.positiveInt(
    32 * MiB,
    'rows sampled for the histograms and top values of bigger CSV/TSV files',
  ),
  PUBLIC_URL: z
    .string()
    .url()
    .default('http://localhost:4000')
    .describe('the public URL of the router, e.g. https://aitip.example.com (archive download links point there)'),
  DATASETS_WORK_DIR: z
    .string()
    .optional()
    .describe('directory for files being validated (the system temporary directory by default)'),
});

export type DatasetsSettings = z.infer<typeof datasetsSettingsSchema>;
