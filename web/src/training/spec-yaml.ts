import { isMap, isSeq, LineCounter, parseDocument, stringify, type Document } from 'yaml';
import type { JobSpec, NameValue, TrainingJobInput } from './operations';

/** One thing wrong with a spec: the API's `extensions.problems` entries, or what the browser found first. */
export interface SpecProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** A parsed YAML text: the input to submit, or the problems that keep it from being one. */
export type YamlReading = { input: TrainingJobInput; problems?: undefined } | { problems: SpecProblem[] };

const KNOWN_FIELDS = new Set([
  'name',
  'experiment',
  'backend',
  'image',
  'runtime',
  'code',
  'command',
  'args',
  'env',
  'hyperparameters',
  'inputs',
  'resources',
  'workers',
  'priorityClass',
  'timeoutSeconds',
  'maxRetries',
  'retryOnUserError',
  'network',
  'registerModel',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A YAML mapping (`{epochs: 60}`) as the API's name/value list; values become strings. */
function nameValues(map: Record<string, unknown>): NameValue[] {
  return Object.entries(map).map(([name, value]) => ({
    name,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }));
}

/** The path's segments: `inputs[0].name` → ['inputs', 0, 'name']. */
function segmentsOf(path: string): (string | number)[] {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The 1-based line and column of a problem's path in the YAML text, or of the nearest part of it that exists. */
function positionOf(doc: Document, lines: LineCounter, path: string): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const segment of segmentsOf(path)) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => String((item.key as { value?: unknown })?.value ?? item.key) === segment);
      if (pair) offset = (pair.key as { range?: number[] })?.range?.[0] ?? offset;
      next = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      offset = (next as { range?: number[] } | undefined)?.range?.[0] ?? offset;
    }
    if (next === undefined) break;
    node = next;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * Reads a job YAML (or JSON) text as the GraphQL input; an uploaded code archive takes the place
 * of its `code`. What the browser cannot send is a problem here (a `code` directory without an
 * uploaded archive); everything else is left for
 * the API's validator, whose problems `locateProblems` then points at lines of this text.
 */
export function readSpecYaml(text: string, archiveId?: string): YamlReading {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { path: '', message: `invalid YAML: ${error.message.split('\n')[0]}`, line, column: col };
      }),
    };
  }
  const value: unknown = doc.toJS();
  if (!isObject(value)) {
    return { problems: [{ path: '', message: 'a job spec is a mapping of fields (name:, command:, …)', line: 1 }] };
  }
  const problems: SpecProblem[] = [];
  const at = (path: string) => positionOf(doc, lines, path);
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) {
      problems.push({
        path: key,
        message: `unknown field; the fields are ${[...KNOWN_FIELDS].join(', ')}`,
        ...at(key),
      });
    }
  }
  const input: Record<string, unknown> = { ...value };
  if (archiveId) {
    input.code = { archiveId };
  } else if (typeof value.code === 'string') {
    problems.push({
      path: 'code',
      message:
        'choose the code folder (or a .tar.gz of it) under Code below, or submit with `aitip jobs run -f job.yaml`',
      ...at('code'),
    });
  }
  for (const field of ['env', 'hyperparameters'] as const) {
    if (isObject(value[field])) input[field] = nameValues(value[field]);
  }
  for (const field of ['command', 'args'] as const) {
    if (Array.isArray(value[field])) input[field] = value[field].map(String);
    else if (typeof value[field] === 'string') input[field] = [value[field]];
  }
  if (problems.length > 0) return { problems };
  return { input: input as unknown as TrainingJobInput };
}

/** Adds YAML lines and columns to the API's problems, where their paths name a part of `text`. */
export function locateProblems(text: string, problems: readonly SpecProblem[]): SpecProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return problems.map((problem) =>
    problem.line !== undefined || !problem.path ? problem : { ...problem, ...positionOf(doc, lines, problem.path) },
  );
}

/** A job input or applied spec as job YAML (maps for env and hyperparameters, nulls left out). */
export function specToYaml(spec: TrainingJobInput | JobSpec): string {
  const toMap = (list: NameValue[] | undefined) =>
    list && list.length > 0 ? Object.fromEntries(list.map(({ name, value }) => [name, value])) : undefined;
  const plain: Record<string, unknown> = {
    ...spec,
    env: toMap(spec.env),
    hyperparameters: toMap(spec.hyperparameters),
  };
  for (const [key, value] of Object.entries(plain)) {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) delete plain[key];
  }
  if (isObject(plain.resources)) {
    plain.resources = Object.fromEntries(Object.entries(plain.resources).filter(([, value]) => value !== null));
  }
  return stringify(plain);
}
