import { z } from 'zod';

/** One problem found while reading a service's environment. */
export interface ConfigProblem {
  variable: string;
  expected: string;
  received: string | undefined;
}

/** Thrown by parseConfig when the environment does not satisfy the service's schema. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `Invalid configuration for ${service}:\n` +
        problems
          .map(
            (p) =>
              `  - ${p.variable}: ${p.expected}` +
              (p.received === undefined ? ' (not set)' : ` (got ${JSON.stringify(p.received)})`),
          )
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Validates `env` against `schema`, reporting every problem at once.
 * Each field's `.describe()` text is used as "what it expects" in the message.
 */
export function parseConfig<S extends z.ZodObject>(service: string, schema: S, env: Env = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems: ConfigProblem[] = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const field = schema.shape[variable] as z.ZodType | undefined;
    const described = field?.description;
    return {
      variable,
      expected: described ? `expected ${described}` : issue.message,
      received: env[variable],
    };
  });
  throw new ConfigError(service, problems);
}

/** parseConfig for process entry points: prints the problems and exits with status 1. */
export function loadConfig<S extends z.ZodObject>(service: string, schema: S, env: Env = process.env): z.infer<S> {
  try {
    return parseConfig(service, schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
}

/** Reusable environment variable types with messages a user can act on. */
export const env = {
  port: (fallback: number) =>
    z.coerce.number().int().min(1).max(65535).default(fallback).describe('a TCP port number between 1 and 65535'),
  url: (what: string) => z.string().url().optional().describe(`a URL for ${what}`),
  logLevel: () =>
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('one of fatal, error, warn, info, debug, trace, silent'),
  secret: (what: string) => z.string().min(32).optional().describe(`a secret of at least 32 characters for ${what}`),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1')
      .describe('true or false'),
  positiveInt: (fallback: number, what: string) =>
    z.coerce.number().int().positive().default(fallback).describe(`a positive integer (${what})`),
};

/**
 * The variables that select real infrastructure instead of the embedded adapters.
 * Shared by every service so they all read the same names.
 */
export const infrastructureEnv = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .describe('a PostgreSQL URL such as postgres://user@127.0.0.1:5432/aitip'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .describe('a Redis URL such as redis://127.0.0.1:6379'),
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, 'must start with amqp:// or amqps://')
    .optional()
    .describe('an AMQP URL such as amqp://guest:guest@127.0.0.1:5672'),
  S3_ENDPOINT: z.string().url().optional().describe('an S3 endpoint URL such as http://127.0.0.1:9000'),
  S3_ACCESS_KEY: z.string().optional().describe('the S3 access key'),
  S3_SECRET_KEY: z.string().optional().describe('the S3 secret key'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (lower case, 3-63 characters)')
    .default('aitip')
    .describe('a valid S3 bucket name (lower case, 3-63 characters)'),
  S3_REGION: z.string().default('us-east-1').describe('the S3 region'),
  AITIP_DATA_DIR: z.string().default('.aitip').describe('a directory for embedded data (PGlite, blobs)'),
  AITIP_INTERNAL_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe('a secret of at least 32 characters shared by the router and subgraphs to sign identities'),
  AUTH_TOKEN_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      'a secret of at least 32 characters that signs access tokens (the router and the users subgraph must share it)',
    ),
  AITIP_MASTER_KEY: z
    .string()
    .min(32)
    .optional()
    .describe('a key of at least 32 characters that encrypts organization secrets at rest (users subgraph)'),
  LOG_LEVEL: env.logLevel(),
};
