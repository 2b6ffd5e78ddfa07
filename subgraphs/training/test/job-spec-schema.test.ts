import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateJobSpec } from '../src/jobs/job-spec.js';
import {
  BACKENDS,
  CODE_FIELDS,
  INPUT_FIELDS,
  INPUT_REQUIRED,
  JOB_SPEC_FIELDS,
  JOB_SPEC_REQUIRED,
  LIMITS,
  NUMBER_RULES,
  PATTERNS,
  RENDEZVOUS_ENV,
  RESERVED_ENV_PREFIXES,
  RESOURCE_FIELDS,
  RUNTIMES,
} from '../src/jobs/job-spec-rules.js';
import { schemaErrors, type Schema } from './fixtures/job-specs/json-schema.js';

/** The parts of a schema node this test reads. */
interface SchemaNode {
  $schema?: string;
  title?: string;
  description?: string;
  examples?: unknown[];
  type?: string | string[];
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  not?: SchemaNode;
  pattern?: string;
  maxLength?: number;
  maxProperties?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
}

// compiled to dist/test: the schema and the fixtures stay in the source tree
const schema = JSON.parse(readFileSync(join(__dirname, '../../job-spec.schema.json'), 'utf8')) as SchemaNode;
const fixtures = join(__dirname, '../../test/fixtures/job-specs');
const properties = schema.properties!;
const property = (name: string) => properties[name]!;
const codeObject = property('code').oneOf!.find((option) => option.type === 'object')!;
const inputItem = property('inputs').items!;
const resources = property('resources').properties!;

const sorted = (values: readonly unknown[] = []) => [...values].map(String).sort();
const withoutNull = (values: unknown = []) => [values].flat().filter((value) => value !== null && value !== 'null');

/** Whether the validator and the schema both accept `value`, or both refuse it. */
function verdicts(value: unknown): { validator: boolean; schema: boolean; errors: string[] } {
  const errors = schemaErrors(schema as Schema, value);
  return { validator: validateJobSpec(value).spec !== undefined, schema: errors.length === 0, errors };
}

describe('job-spec.schema.json says what the validator checks', () => {
  test('the same fields and required fields at every level', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(sorted(Object.keys(properties)), sorted(JOB_SPEC_FIELDS));
    assert.deepEqual(sorted(schema.required), sorted(JOB_SPEC_REQUIRED));
    assert.deepEqual(sorted(Object.keys(codeObject.properties!)), sorted(CODE_FIELDS));
    assert.deepEqual(sorted(Object.keys(inputItem.properties!)), sorted(INPUT_FIELDS));
    assert.deepEqual(sorted(inputItem.required), sorted(INPUT_REQUIRED));
    assert.deepEqual(sorted(Object.keys(resources)), sorted(RESOURCE_FIELDS));
    for (const closed of [schema, codeObject, inputItem, property('resources')]) {
      assert.equal(closed.additionalProperties, false);
    }
  });

  test('the same enums, bounds, patterns and lengths', () => {
    assert.deepEqual(withoutNull(property('backend').enum), [...BACKENDS]);
    assert.deepEqual(withoutNull(property('runtime').enum), [...RUNTIMES]);
    const numbers: Record<keyof typeof NUMBER_RULES, SchemaNode | undefined> = {
      cpu: resources['cpu'],
      memoryMiB: resources['memoryMiB'],
      gpus: resources['gpus'],
      workers: properties['workers'],
      timeoutSeconds: properties['timeoutSeconds'],
      maxRetries: properties['maxRetries'],
    };
    for (const [name, rule] of Object.entries(NUMBER_RULES)) {
      const published = numbers[name as keyof typeof NUMBER_RULES]!;
      assert.deepEqual(withoutNull(published.type), [rule.integer ? 'integer' : 'number'], name);
      for (const bound of ['minimum', 'exclusiveMinimum', 'maximum'] as const) {
        assert.equal(published[bound], (rule as Partial<Record<typeof bound, number>>)[bound], `${name}.${bound}`);
      }
    }
    assert.equal(property('name').pattern, PATTERNS.name.source);
    assert.equal(property('name').maxLength, LIMITS.nameLength);
    assert.equal(property('experiment').maxLength, LIMITS.experimentLength);
    assert.equal(property('image').pattern, PATTERNS.image.source);
    assert.equal(property('priorityClass').pattern, PATTERNS.priorityClass.source);
    assert.equal(property('priorityClass').maxLength, LIMITS.priorityClassLength);
    assert.equal(inputItem.properties!['name']!.pattern, PATTERNS.inputName.source);
    assert.equal(inputItem.properties!['name']!.maxLength, LIMITS.inputNameLength);
    const envNames = property('env').propertyNames!;
    const reserved = envNames.not!.anyOf!;
    assert.equal(envNames.pattern, PATTERNS.envName.source);
    assert.deepEqual(
      reserved.filter((option) => option.pattern).map((option) => option.pattern),
      RESERVED_ENV_PREFIXES.map((prefix) => `^${prefix}`),
    );
    assert.deepEqual(sorted(reserved.find((option) => option.enum)!.enum), RENDEZVOUS_ENV);
    const hp = property('hyperparameters');
    assert.equal(hp.maxProperties, LIMITS.hyperparameterCount);
    assert.equal(hp.propertyNames!.pattern, PATTERNS.hyperparameterName.source);
    assert.equal(hp.propertyNames!.maxLength, LIMITS.hyperparameterNameLength);
    assert.equal((hp.additionalProperties as SchemaNode).maxLength, LIMITS.hyperparameterValueLength);
  });

  test('every property has a title, a description and valid examples', () => {
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${path}[${index}]`));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'examples' || key === 'default' || key === 'enum' || key === 'const') continue;
        if (key === 'properties') {
          for (const [name, described] of Object.entries(value as Record<string, SchemaNode>)) {
            // branches of oneOf and if/then narrow a property already described beside them
            const narrowing = Object.keys(described).every((keyword) => keyword === 'type' || keyword === 'enum');
            if (!narrowing)
              assert.ok(described.title && described.description, `${path}.${name} needs a title and a description`);
          }
        }
        walk(value, `${path}.${key}`);
      }
    };
    walk(schema, '$');
    assert.ok(schema.examples && schema.examples.length > 0);
    for (const example of schema.examples)
      assert.deepEqual(verdicts(example), { validator: true, schema: true, errors: [] });
    for (const [name, described] of Object.entries(properties)) {
      assert.ok(described.examples && described.examples.length > 0, `${name} needs examples`);
      for (const example of described.examples) {
        // image and the container backends come together
        const container = name === 'image' || (name === 'backend' && example !== 'local');
        const base = container ? { backend: 'docker', image: 'aitip/base:1' } : {};
        const spec = { name: 'example', command: ['python3'], ...base, [name]: example };
        assert.deepEqual(
          verdicts(spec),
          { validator: true, schema: true, errors: [] },
          `${name}: ${JSON.stringify(example)}`,
        );
      }
    }
  });
});

describe('the schema and the validator give the same verdict', () => {
  // checks a JSON Schema cannot express; the schema accepts these and the validator refuses them
  const beyondTheSchema = new Set(['bad-inputs-duplicate.yaml', 'bad-hyperparameter-collision.yaml']);
  // a file that is not YAML to begin with
  const notYaml = new Set(['bad-duplicate-key.yaml']);
  const files = readdirSync(fixtures).filter((file) => file.endsWith('.yaml') && !notYaml.has(file));

  for (const file of files) {
    test(file, () => {
      const value: unknown = parse(readFileSync(join(fixtures, file), 'utf8'));
      const { validator, schema: accepted, errors } = verdicts(value);
      assert.equal(validator, file.startsWith('valid-'), 'validator');
      if (beyondTheSchema.has(file)) assert.equal(accepted, true, errors.join('\n'));
      else assert.equal(accepted, validator, `schema: ${errors.join('\n') || 'no errors'}`);
    });
  }

  test('on values of the patterned and conditional fields', () => {
    const base = { name: 'x', command: ['python3'] };
    const cases: Array<Record<string, unknown>> = [
      ...[
        'model.onnx',
        './a/./b.onnx',
        'a..b',
        '..x',
        '/abs',
        'C:x',
        'a\\b',
        '../x',
        'a/..',
        'a/',
        '.',
        './.',
        ' ',
        'a\nb',
      ].map((registerModel) => ({ registerModel })),
      ...['a', 'a-1', 'A', '1a', 'a_b', '', 'a'.repeat(63), 'a'.repeat(64)].map((name) => ({ name })),
      ...['normal', 'high-1', 'High', '-x', 'x-'].map((priorityClass) => ({ priorityClass })),
      ...[' ', 'iris', ''].map((experiment) => ({ experiment })),
      { backend: 'docker' },
      { backend: 'docker', image: 'a b' },
      { backend: 'kubernetes', image: 'i', runtime: 'node' },
      { backend: 'local', image: 'i' },
      { image: 'i' },
      { backend: null, runtime: 'node' },
      { code: { path: null, archiveId: 'a' } },
      { code: { path: '', archiveId: null } },
      { code: {} },
      { code: ' ' },
      { command: [' '] },
      { command: ['python3', ''] },
      { env: { RANK: '1' } },
      { env: { RANKS: '1', _x: '' } },
      { env: { MLFLOW_RUN_ID: 'r' } },
      { hyperparameters: { 'a.b-c_d': 'x', _e: false } },
      { hyperparameters: { 'a b': 1 } },
      { hyperparameters: { ['x'.repeat(251)]: 1 } },
      { inputs: [{ name: 'a', dataset: 'b', version: 1 }] },
      { inputs: [{ name: 'a', dataset: 'b', version: 1.5 }] },
      { inputs: [{ name: 'a', dataset: ' ' }] },
      { inputs: [{ name: 'a'.repeat(64), dataset: 'b' }] },
      { resources: { cpu: 256, memoryMiB: 16, gpus: 16 } },
      { resources: { cpu: 256.5 } },
      { resources: { gpuType: '' } },
      { timeoutSeconds: 604801 },
      { maxRetries: 10, workers: 64 },
    ];
    for (const change of cases) {
      const { validator, schema: accepted, errors } = verdicts({ ...base, ...change });
      assert.equal(
        accepted,
        validator,
        `${JSON.stringify(change)}: validator ${validator}, schema ${errors.join('; ')}`,
      );
    }
  });

  test('the evaluator refuses keywords it does not know, so no part of the schema goes unchecked', () => {
    assert.throws(() => schemaErrors({ uniqueItems: true }, []), /does not evaluate "uniqueItems"/);
  });
});
