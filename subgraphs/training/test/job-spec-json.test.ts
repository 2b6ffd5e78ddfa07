import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hyperparameterArgs, hyperparameterEnv, validateJobSpec, type JobSpecProblem } from '../src/jobs/job-spec.js';
import { defaults } from './fixtures/job-specs/defaults.js';

function problemsOf(input: unknown): JobSpecProblem[] {
  const result = validateJobSpec(input);
  assert.ok(result.problems, `expected problems, got ${JSON.stringify(result.spec)}`);
  return result.problems;
}

describe('validateJobSpec: the JSON form', () => {
  test('gives paths without lines, and takes null as left out (GraphQL sends null)', () => {
    assert.deepEqual(problemsOf({ name: 'x', command: ['a'], workers: 'two', inputs: [{ name: 'd' }] }), [
      { path: 'inputs[0].dataset', message: 'required: the dataset\'s name, e.g. "iris"' },
      { path: 'workers', message: 'must be a whole number from 1 to 64; got "two"' },
    ]);
    const result = validateJobSpec({
      name: 'x',
      command: ['a'],
      image: null,
      env: null,
      timeoutSeconds: null,
      code: 'src',
    });
    assert.deepEqual(result.spec, {
      name: 'x',
      experiment: 'x',
      backend: 'local',
      command: ['a'],
      code: { path: 'src' },
      ...defaults,
    });
    assert.deepEqual(problemsOf({ name: null, command: null }), [
      { path: 'name', message: 'required: name the job, e.g. "iris-pytorch"' },
      {
        path: 'command',
        message: 'required: the program to run and its arguments as a list, e.g. ["python3", "train.py"]',
      },
    ]);
  });

  test('accepts a GraphQL input class instance and refuses what is not a mapping', () => {
    class SubmitInput {
      name = 'from-graphql';
      command = ['python3', 'train.py'];
      code = { archiveId: 'a1' };
      backend = 'docker';
      image = 'aitip/pytorch:1';
    }
    assert.deepEqual(validateJobSpec(new SubmitInput()).spec?.code, { archiveId: 'a1' });
    assert.deepEqual(problemsOf('name: x'), [
      {
        path: '',
        message:
          'the job spec must be a mapping of fields such as "name: my-job" and "command: [python3, train.py]"; got "name: x"',
      },
    ]);
    assert.deepEqual(problemsOf({ name: 'x', command: ['a'], code: { dir: '.' } }), [
      { path: 'code.dir', message: 'unknown field "dir"; did you mean "path"?' },
      { path: 'code', message: 'give path (a directory to upload) or archiveId (an uploaded code archive)' },
    ]);
  });

  test('holds hyperparameters to the limits of run params and of the environment', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, i]));
    assert.deepEqual(problemsOf({ name: 'x', command: ['a'], hyperparameters: many }), [
      { path: 'hyperparameters', message: 'has 101 entries; at most 100 are allowed, as each becomes a run param' },
    ]);
    assert.deepEqual(problemsOf({ name: 'x', command: ['a'], hyperparameters: { notes: 'é'.repeat(6001) } }), [
      {
        path: 'hyperparameters.notes',
        message: 'is 6001 characters long; a run param holds at most 6000, so put larger values in a file',
      },
    ]);
    assert.ok(validateJobSpec({ name: 'x', command: ['a'], hyperparameters: { notes: '😀'.repeat(6000) } }).spec);
    const big = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, 'x'.repeat(6000)]));
    assert.deepEqual(problemsOf({ name: 'x', command: ['a'], hyperparameters: big }), [
      {
        path: 'hyperparameters',
        message:
          'take 72099 bytes as JSON; at most 65536 fit, because they are passed in environment variables; put large values in a file in the code or in a dataset',
      },
    ]);
  });

  test('keeps the model path inside the output directory', () => {
    const check = (registerModel: string) => {
      const result = validateJobSpec({ name: 'x', command: ['a'], registerModel });
      return result.spec ? `ok ${result.spec.registerModel}` : result.problems[0]!.message;
    };
    assert.equal(check('./out/./model.onnx'), 'ok out/model.onnx');
    assert.equal(
      check('/tmp/model.onnx'),
      'must be relative to the output directory, e.g. "model.onnx"; got "/tmp/model.onnx"',
    );
    assert.equal(
      check('C:model.onnx'),
      'must be relative to the output directory, e.g. "model.onnx"; got "C:model.onnx"',
    );
    assert.equal(check('a\\model.onnx'), 'must use "/" between directories; got "a\\\\model.onnx"');
    assert.equal(
      check('a/../../model.onnx'),
      'must stay inside the output directory: remove ".."; got "a/../../model.onnx"',
    );
    assert.equal(check('models/'), 'must name a file, not a directory; got "models/"');
    assert.equal(check('./.'), 'must name a file, not a directory; got "./."');
    assert.equal(check('a\nb'), 'must not hold control characters such as line breaks; got "a\\nb"');
  });
});

describe('hyperparameters as a job sees them', () => {
  const hp = { lr: 0.05, epochs: 60, 'warmup.steps-max': 100, shuffle: true, optimizer: 'adam' };

  test('AITIP_HYPERPARAMETERS as JSON and one AITIP_HP_<NAME> each, upper case with "_" for the rest', () => {
    assert.deepEqual(hyperparameterEnv(hp), {
      AITIP_HYPERPARAMETERS: '{"epochs":60,"lr":0.05,"optimizer":"adam","shuffle":true,"warmup.steps-max":100}',
      AITIP_HP_EPOCHS: '60',
      AITIP_HP_LR: '0.05',
      AITIP_HP_OPTIMIZER: 'adam',
      AITIP_HP_SHUFFLE: 'true',
      AITIP_HP_WARMUP_STEPS_MAX: '100',
    });
    assert.deepEqual(hyperparameterEnv({}), { AITIP_HYPERPARAMETERS: '{}' });
  });

  test('--<name>=<value> arguments sorted by name, whatever order the spec had', () => {
    const expected = ['--epochs=60', '--lr=0.05', '--optimizer=adam', '--shuffle=true', '--warmup.steps-max=100'];
    assert.deepEqual(hyperparameterArgs(hp), expected);
    assert.deepEqual(hyperparameterArgs(Object.fromEntries(Object.entries(hp).reverse())), expected);
    assert.equal(
      hyperparameterEnv(Object.fromEntries(Object.entries(hp).reverse())).AITIP_HYPERPARAMETERS,
      hyperparameterEnv(hp).AITIP_HYPERPARAMETERS,
    );
  });
});
