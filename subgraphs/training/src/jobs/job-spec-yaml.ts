/**
 * Reading the YAML form of a job spec: syntax errors keep the parser's position, and each problem
 * the structural checks find is traced back to the line and column of the key or value it is about.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { JobSpec, JobSpecProblem } from './job-spec.js';
import { checkJobSpec } from './job-spec-check.js';
import type { Finding, Segment } from './job-spec-findings.js';
import { problemPath } from './job-spec-rules.js';

/** What a key of a YAML mapping is called once read (as `toJS` names it). */
function keyName(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** A node's start offset; an empty value (`image:` with nothing after it) has none worth pointing at. */
function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  if (!range || range[0] === range[1]) return undefined;
  return range[0];
}

/**
 * The offset to show for `segments`: the key or the value it names, or, where the path stops
 * existing (a required field that is missing), the start of the deepest mapping or list that does.
 */
function offsetOf(doc: Document, segments: Segment[], on: 'key' | 'value'): number | undefined {
  let node: unknown = doc.contents;
  let keyOffset: number | undefined;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let nextKey: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyName(item.key) === String(segment));
      next = pair?.value;
      nextKey = pair ? startOf(pair.key) : undefined;
      if (!pair) return startOf(node) ?? keyOffset;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      next = node.items[segment];
      nextKey = startOf(next);
    } else {
      return startOf(node) ?? keyOffset;
    }
    node = next;
    keyOffset = nextKey;
  }
  if (on === 'key' && keyOffset !== undefined) return keyOffset;
  return startOf(node) ?? keyOffset;
}

function located(finding: Finding, doc: Document, lines: LineCounter): JobSpecProblem {
  const offset = offsetOf(doc, finding.at ?? finding.segments, finding.at ? 'value' : finding.on);
  const problem: JobSpecProblem = { path: problemPath(finding.segments), message: finding.message };
  if (offset === undefined) return problem;
  const { line, col } = lines.linePos(offset);
  return { ...problem, line, column: col };
}

const byPosition = (a: JobSpecProblem, b: JobSpecProblem) =>
  (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);

/** The syntax error's own words, made to say what to do where the parser's words do not. */
function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return 'the file holds more than one YAML document (a "---" line); a job spec is one document';
  return `invalid YAML: ${message}`;
}

/** Parses and checks a job spec YAML text; problems carry 1-based lines and columns. */
export function readJobSpecYaml(text: string): { spec: JobSpec } | { problems: JobSpecProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error): JobSpecProblem => {
      const { line, col } = lines.linePos(error.pos[0]);
      return { path: '', message: syntaxMessage(error.code, error.message), line, column: col };
    });
    return { problems: problems.sort(byPosition) };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      problems: [
        {
          path: '',
          message:
            'the file is empty; a job spec needs at least a name and a command, e.g. "name: my-job" and "command: [python3, train.py]"',
        },
      ],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // toJS refuses documents whose aliases expand too far (a "billion laughs" file)
    return { problems: [{ path: '', message: `invalid YAML: ${(error as Error).message}` }] };
  }
  const { spec, findings } = checkJobSpec(value);
  if (spec) return { spec };
  return { problems: findings.map((finding) => located(finding, doc, lines)).sort(byPosition) };
}
