import { Field, Float, InputType, Int } from 'type-graphql';

@InputType({ description: 'A name and a value (an environment variable or a hyperparameter).' })
export class NameValueInput {
  @Field(() => String, { description: 'The name.' })
  name: string;

  @Field(() => String, { description: 'Hyperparameter values that read as numbers or true/false are passed as such.' })
  value: string;
}

@InputType({ description: 'Where the job code comes from; neither field: the code is already inside the image.' })
export class JobCodeInput {
  @Field(() => String, {
    nullable: true,
    description: 'A directory on the worker machine (local backend, only where TRAINING_LOCAL_CODE_PATHS allows it).',
  })
  path?: string | null;

  @Field(() => String, { nullable: true, description: 'An uploaded code archive.' })
  archiveId?: string | null;
}

@InputType({ description: 'A dataset version mounted read-only at $AITIP_DATA_DIR/<name>.' })
export class JobDatasetInput {
  @Field(() => String, { description: 'Directory name under $AITIP_DATA_DIR.' })
  name: string;

  @Field(() => String, { description: "The dataset's name or id." })
  dataset: string;

  @Field(() => String, { nullable: true, description: 'A version number, or "latest" (the default).' })
  version?: string | null;
}

@InputType({ description: 'What each worker asks for.' })
export class JobResourcesInput {
  @Field(() => Float, { nullable: true, description: 'CPU cores per worker (fractions allowed).' })
  cpu?: number | null;

  @Field(() => Int, { nullable: true, description: 'Memory per worker in MiB; a worker over it is OOMKilled.' })
  memoryMiB?: number | null;

  @Field(() => Int, { nullable: true, description: 'GPUs per worker.' })
  gpus?: number | null;

  @Field(() => String, { nullable: true, description: 'GPU model wanted, e.g. nvidia-a100.' })
  gpuType?: string | null;
}

@InputType({ description: 'A training job spec: the same fields as the job YAML file (docs/training.md).' })
export class TrainingJobInput {
  @Field(() => String, { description: 'Job name.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Experiment name (created if missing); default: the job name.' })
  experiment?: string | null;

  @Field(() => String, { nullable: true, description: 'local, docker or kubernetes (default local).' })
  backend?: string | null;

  @Field(() => String, { nullable: true, description: 'Image to run (docker and kubernetes).' })
  image?: string | null;

  @Field(() => String, { nullable: true, description: 'Interpreter the local worker must have: python3 or node.' })
  runtime?: string | null;

  @Field(() => JobCodeInput, { nullable: true, description: 'Where the code comes from.' })
  code?: JobCodeInput | null;

  @Field(() => [String], { description: 'argv: the command and its first arguments, not run through a shell.' })
  command: string[];

  @Field(() => [String], {
    nullable: true,
    description: 'Arguments after the command (hyperparameters follow as --name=value).',
  })
  args?: string[] | null;

  @Field(() => [NameValueInput], { nullable: true, description: 'Environment variables of every worker.' })
  env?: NameValueInput[] | null;

  @Field(() => [NameValueInput], {
    nullable: true,
    description: 'Passed as env and --name=value args, recorded as run params.',
  })
  hyperparameters?: NameValueInput[] | null;

  @Field(() => [JobDatasetInput], {
    nullable: true,
    description: 'Dataset versions mounted read-only at $AITIP_DATA_DIR/<name>.',
  })
  inputs?: JobDatasetInput[] | null;

  @Field(() => JobResourcesInput, { nullable: true, description: 'What each worker asks for.' })
  resources?: JobResourcesInput | null;

  @Field(() => Int, { nullable: true, description: 'Workers (2+ for distributed training).' })
  workers?: number | null;

  @Field(() => String, { nullable: true, description: 'Priority class for the scheduler.' })
  priorityClass?: string | null;

  @Field(() => Int, { nullable: true, description: 'Wall-clock limit of an attempt; null: none.' })
  timeoutSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Attempts after the first that a failure may get.' })
  maxRetries?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Retry failures of the code too, not only infrastructure ones.',
  })
  retryOnUserError?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Network access for containers (off by default).' })
  network?: boolean | null;

  @Field(() => String, { nullable: true, description: 'An output file that becomes a model version.' })
  registerModel?: string | null;
}

/** A string value as the spec wants it: numbers and booleans as such. */
function typedValue(value: string): string | number | boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  if (value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

const pairs = (list: NameValueInput[] | null | undefined, typed: boolean) =>
  list ? Object.fromEntries(list.map((p) => [p.name, typed ? typedValue(p.value) : p.value])) : undefined;

/** The input in the spec's JSON form, which `validateJobSpec` checks (null fields count as absent). */
export function specJsonOf(input: TrainingJobInput): Record<string, unknown> {
  return {
    ...input,
    code: input.code ?? undefined,
    env: pairs(input.env, false),
    hyperparameters: pairs(input.hyperparameters, true),
    inputs: input.inputs?.map((i) => ({
      name: i.name,
      dataset: i.dataset,
      version: i.version === undefined || i.version === null ? undefined : typedValue(i.version),
    })),
  };
}
