// The job.yaml each example ships: the fields `aitip jobs run -f` reads, and that they point at
// code and images that exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { examplesDir } from './helpers.mjs';

const expected = {
  'tabular-node': { backend: 'local', runtime: 'node', workers: 1 },
  'iris-pytorch': { backend: 'docker', image: 'aitip/pytorch:1', workers: 1 },
  'ddp-pytorch': { backend: 'docker', image: 'aitip/pytorch:1', workers: 2 },
};

for (const [example, want] of Object.entries(expected)) {
  test(`examples/${example}/job.yaml`, () => {
    const file = join(examplesDir, example, 'job.yaml');
    const spec = parse(readFileSync(file, 'utf8'));
    assert.equal(spec.name, example);
    assert.equal(spec.backend, want.backend);
    assert.equal(spec.workers, want.workers);
    if (want.runtime) assert.equal(spec.runtime, want.runtime);
    if (want.image) {
      assert.equal(spec.image, want.image);
      const recipe = want.image.replace(/^aitip\/(.+):1$/, '$1');
      assert.ok(
        existsSync(join(examplesDir, '../images', recipe, 'packages')),
        `images/${recipe} builds ${want.image}`,
      );
    }
    assert.equal(spec.network, false);
    const codeDir = resolve(dirname(file), spec.code);
    assert.ok(Array.isArray(spec.command) && spec.command.length === 2, 'command is [interpreter, script]');
    assert.ok(existsSync(join(codeDir, spec.command[1])), `${spec.command[1]} is in the code directory`);
    for (const input of spec.inputs) assert.deepEqual(Object.keys(input).sort(), ['dataset', 'name', 'version']);
    for (const value of Object.values(spec.hyperparameters)) assert.equal(typeof value, 'number');
    assert.ok(spec.resources.memoryMiB > 0 && spec.resources.cpu > 0);
    assert.equal(typeof spec.registerModel, 'string');
  });
}
