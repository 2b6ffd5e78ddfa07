import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@aitip/kit';
import { formatProblem, JobSpecError, parseJobSpecYaml, type JobSpec } from '../src/jobs/job-spec.js';
import { defaults } from './fixtures/job-specs/defaults.js';

// compiled to dist/test: the fixtures and examples stay in the source tree
const fixtures = join(__dirname, '../../test/fixtures/job-specs');
const examples = join(__dirname, '../../../../examples');
const fixture = (file: string) => readFileSync(join(fixtures, file), 'utf8');

/** The problems a fixture is refused with, as `line:column path: message`. */
function refusal(file: string): string[] {
  try {
    parseJobSpecYaml(fixture(file), { file });
  } catch (error) {
    assert.ok(error instanceof JobSpecError, `expected a JobSpecError, got ${String(error)}`);
    assert.ok(error instanceof InputError);
    assert.equal(error.extensions['code'], 'BAD_USER_INPUT');
    assert.deepEqual(error.extensions['problems'], error.problems);
    for (const problem of error.problems) assert.ok(error.message.includes(formatProblem(problem, file)));
    return error.problems.map((problem) => formatProblem(problem));
  }
  assert.fail(`${file} was accepted`);
}

describe('parseJobSpecYaml: valid specs', () => {
  test('reads a spec with every field', () => {
    const expected: JobSpec = {
      name: 'iris-pytorch',
      experiment: 'iris',
      backend: 'docker',
      image: 'aitip/pytorch:1',
      code: { path: '.' },
      command: ['python3', 'train.py'],
      args: ['--verbose'],
      env: { LOG_LEVEL: 'debug', OMP_NUM_THREADS: '2' },
      hyperparameters: { epochs: 60, lr: 0.05, optimizer: 'adam', shuffle: true, 'lr.decay': 0.9 },
      inputs: [
        { name: 'iris', dataset: 'iris', version: 'latest' },
        { name: 'iris-v2', dataset: 'iris', version: 2 },
      ],
      resources: { cpu: 1.5, memoryMiB: 2048, gpus: 1, gpuType: 'nvidia-a100' },
      workers: 2,
      priorityClass: 'high',
      timeoutSeconds: 900,
      maxRetries: 3,
      retryOnUserError: true,
      network: true,
      registerModel: 'models/model.onnx',
    };
    assert.deepEqual(parseJobSpecYaml(fixture('valid-full.yaml')), expected);
  });

  test('applies the defaults: local backend, the job name as experiment, one worker, no timeout', () => {
    assert.deepEqual(parseJobSpecYaml(fixture('valid-minimal.yaml')), {
      name: 'hello',
      experiment: 'hello',
      backend: 'local',
      command: ['node', '-e', "console.log('hello')"],
      ...defaults,
    });
  });

  test('reads empty values as left out, code as a mapping, and an input version as latest by default', () => {
    assert.deepEqual(parseJobSpecYaml(fixture('valid-local-runtime.yaml')), {
      name: 'tabular',
      experiment: 'tabular',
      backend: 'local',
      runtime: 'node',
      code: { path: './src' },
      command: ['node', 'train.mjs'],
      ...defaults,
      inputs: [{ name: 'iris', dataset: 'iris', version: 'latest' }],
    });
  });

  test('takes an uploaded code archive by id', () => {
    const spec = parseJobSpecYaml(fixture('valid-kubernetes-archive.yaml'));
    assert.deepEqual(spec.code, { archiveId: '3f9c1a2b-7d4e-4f60-9a51-0c2b8e6d1f37' });
    assert.equal(spec.backend, 'kubernetes');
    assert.equal(spec.workers, 4);
    assert.deepEqual(spec.resources, { gpus: 1 });
  });
});

describe('parseJobSpecYaml: every problem with its line and column', () => {
  test('reports many problems at once, in file order, each at its value', () => {
    assert.deepEqual(refusal('bad-many.yaml'), [
      '1:7 name: must be 1 to 63 lower-case letters, digits and "-", starting with a letter; got "Iris Job"; did you mean "iris-job"?',
      '3:1 image: is for the docker and kubernetes backends; use runtime for local, or set backend: docker',
      '4:10 command: must be a list, not one string: the command does not run through a shell, so give each argument as its own item, e.g. ["python3", "train.py", "--epochs", "3"]',
      '5:7 args: must be a list of strings, e.g. ["--verbose"]; got "--verbose"',
      '7:8 resources.cpu: must be a number > 0 and at most 256; got "two" (cores as a number, e.g. 0.5)',
      '8:14 resources.memoryMiB: must be a whole number of at least 16; got "2Gi" (MiB as a number, e.g. 2048 for 2 GiB)',
      '9:9 resources.gpus: must be a whole number from 0 to 16; got 1.5',
      '10:10 workers: must be a whole number from 1 to 64; got 0',
      '11:17 timeoutSeconds: must be a whole number from 1 to 604800; got 0',
      '12:13 maxRetries: must be a whole number from 0 to 10; got 11',
      '13:19 retryOnUserError: must be true or false; got "no"',
      '14:10 network: must be true or false; got "yes"',
      '15:16 priorityClass: must be a priority class name of lower-case letters, digits and "-", such as "normal"; got "High"',
    ]);
  });

  test('the message lists every problem with file:line:column', () => {
    assert.throws(
      () => parseJobSpecYaml(fixture('bad-many.yaml'), { file: 'jobs/job.yaml' }),
      (error: JobSpecError) => {
        const lines = error.message.split('\n');
        assert.equal(lines[0], 'jobs/job.yaml has 13 problems:');
        assert.equal(lines[8], '  jobs/job.yaml:10:10 workers: must be a whole number from 1 to 64; got 0');
        assert.equal(lines.length, 14);
        return true;
      },
    );
  });

  test('names unknown fields at their key and suggests the field meant', () => {
    assert.deepEqual(refusal('bad-unknown.yaml'), [
      '3:1 hyperparams: unknown field "hyperparams"; did you mean "hyperparameters"?',
      '5:3 resources.cpus: unknown field "cpus"; did you mean "cpu"?',
      '6:3 resources.memory: unknown field "memory"; did you mean "memoryMiB"?',
      '7:1 timeout: unknown field "timeout"; did you mean "timeoutSeconds"?',
      '8:1 gpus: unknown field "gpus"; did you mean "resources.gpus"?',
      '9:1 colour: unknown field "colour"; the fields here are name, experiment, backend, image, runtime, code, command, args, env, hyperparameters, inputs, resources, workers, priorityClass, timeoutSeconds, maxRetries, retryOnUserError, network, registerModel',
      '11:34 inputs[0].revision: unknown field "revision"; did you mean "version"?',
    ]);
  });

  test('invalid YAML gets the parser line and column and its reason', () => {
    // inline: a fixture file that is not YAML would stop the repository's formatter check
    assert.throws(
      () => parseJobSpecYaml('name: broken\ncommand: [python3, train.py\nworkers: 1\n', { file: 'job.yaml' }),
      {
        message:
          'job.yaml:3:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    );
    assert.deepEqual(refusal('bad-duplicate-key.yaml'), ['3:1 invalid YAML: Map keys must be unique']);
    assert.throws(() => parseJobSpecYaml('name: a\n---\nname: b\n', { file: 'two.yaml' }), {
      message: 'two.yaml:2:1 the file holds more than one YAML document (a "---" line); a job spec is one document',
    });
  });

  test('an empty file and a top level that is not a mapping say what a spec looks like', () => {
    assert.throws(() => parseJobSpecYaml(fixture('empty.yaml'), { file: 'empty.yaml' }), {
      message:
        'empty.yaml: the file is empty; a job spec needs at least a name and a command, e.g. "name: my-job" and "command: [python3, train.py]"',
    });
    assert.throws(() => parseJobSpecYaml(''), { message: /^the file is empty;/ });
    assert.deepEqual(refusal('bad-not-mapping.yaml'), [
      '1:1 the job spec must be a mapping of fields such as "name: my-job" and "command: [python3, train.py]"; got a list',
    ]);
  });

  test('image and runtime each belong to their backends; a missing image points at the backend', () => {
    assert.deepEqual(refusal('bad-docker.yaml'), [
      '2:10 image: required for the docker backend: the image to run, e.g. "aitip/pytorch:1"',
      '3:1 runtime: is for the local backend; on docker the image provides the interpreter, so remove runtime',
    ]);
    assert.deepEqual(refusal('bad-backend.yaml'), [
      '2:10 backend: must be one of local, docker, kubernetes; got "dokcer"; did you mean "docker"?',
      '3:10 runtime: must be one of python3, node; got "ruby"',
      '4:10 command: must start with the program to run, e.g. "python3"',
      '5:7 code: give code.path or code.archiveId, not both',
    ]);
  });

  test('refuses env names the platform sets, bad names and values that are not strings', () => {
    assert.deepEqual(refusal('bad-env.yaml'), [
      '2:30 command[2]: must be a string; got 3 (quote it: "3")',
      '4:3 env.AITIP_DATA_DIR: variables starting with AITIP_ are set by the platform (see "What a job sees" in docs/training.md); choose another name, and put tunable values in hyperparameters',
      "5:3 env.MLFLOW_TRACKING_URI: variables starting with MLFLOW_ are set by the platform so that MLflow clients log to the job's run; remove it",
      '6:3 env.RANK: RANK is set by the platform for every worker (the rendezvous variables torchrun sets); remove it, and set workers for distributed training',
      '7:3 env["2FAST"]: "2FAST" is not a variable name: use letters, digits and "_", not starting with a digit',
      '8:12 env.THREADS: must be a string; got 4 (quote it: "4")',
      '9:3 env.EMPTY: must be a string; got null (write "" for an empty value)',
    ]);
  });

  test('refuses hyperparameters that cannot be run params or that share an env name', () => {
    assert.deepEqual(refusal('bad-hyperparameters.yaml'), [
      '4:7 hyperparameters.lr: must be a finite number; got NaN',
      '5:11 hyperparameters.layers: must be a string, a number or true/false; got a list',
      '6:3 hyperparameters["9lives"]: "9lives" is not a hyperparameter name: use letters, digits, "_", "." and "-", starting with a letter or "_", at most 250 characters',
    ]);
    assert.deepEqual(refusal('bad-hyperparameter-collision.yaml'), [
      '5:3 hyperparameters.lr_max: becomes AITIP_HP_LR_MAX, as "lr.max" does; rename one of them',
    ]);
  });

  test('checks each input and the model path; a missing field points at its input', () => {
    assert.deepEqual(refusal('bad-inputs.yaml'), [
      '4:13 inputs[0].name: must be a directory name of lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters; got "Iris"',
      '4:43 inputs[0].version: must be a version number (1, 2, ...) or "latest"; got "v3"',
      '5:5 inputs[1].name: required: the directory under $AITIP_DATA_DIR to mount the dataset at, e.g. "iris"',
      '5:31 inputs[1].version: must be a version number (1, 2, ...) or "latest"; got 0',
      '6:5 inputs[2]: must be a mapping such as {name: iris, dataset: iris, version: latest}; got "iris"',
      '7:16 registerModel: must stay inside the output directory: remove ".."; got "../model.onnx"',
    ]);
    assert.deepEqual(refusal('bad-inputs-duplicate.yaml'), [
      '5:13 inputs[1].name: "iris" is the name of inputs[0] too; give each input its own name',
    ]);
  });

  test('a required field that is missing points at the top of the file', () => {
    assert.throws(() => parseJobSpecYaml('# a job\nworkers: 2\n', { file: 'job.yaml' }), {
      message: [
        'job.yaml has 2 problems:',
        '  job.yaml:2:1 name: required: name the job, e.g. "iris-pytorch"',
        '  job.yaml:2:1 command: required: the program to run and its arguments as a list, e.g. ["python3", "train.py"]',
      ].join('\n'),
    });
  });

  test('follows aliases to the node a problem is about', () => {
    const text = 'name: aliased\ncommand: [python3]\nbase: &base { cpu: 0 }\nresources: *base\n';
    const problems = (() => {
      try {
        parseJobSpecYaml(text);
      } catch (error) {
        return (error as JobSpecError).problems.map((problem) => formatProblem(problem));
      }
      return [];
    })();
    assert.deepEqual(problems, [
      '3:1 base: unknown field "base"; the fields here are name, experiment, backend, image, runtime, code, command, args, env, hyperparameters, inputs, resources, workers, priorityClass, timeoutSeconds, maxRetries, retryOnUserError, network, registerModel',
      '3:20 resources.cpu: must be a number > 0 and at most 256; got 0',
    ]);
  });
});

describe('the examples shipped with the platform', () => {
  const specs = existsSync(examples)
    ? readdirSync(examples)
        .map((dir) => join(examples, dir, 'job.yaml'))
        .filter((file) => existsSync(file))
    : [];

  test('there are job.yaml examples to check', () => {
    assert.ok(specs.length >= 3, `found ${specs.join(', ')}`);
  });

  for (const file of specs) {
    test(`${file.slice(examples.length + 1)} is a valid job spec`, () => {
      const spec = parseJobSpecYaml(readFileSync(file, 'utf8'), { file });
      assert.deepEqual(spec.code, { path: '.' });
      assert.ok(spec.registerModel);
    });
  }
});
