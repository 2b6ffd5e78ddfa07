import assert from 'node:assert/strict';
import type { Identity } from '@aitip/kit';
import type { ExperimentsHarness, RestAnswer } from './support.js';

/**
 * Calls the MLflow REST routes the way MLflow's Python client does: POST with a JSON body, GET
 * with query parameters (lists as repeated parameters), paths as under `/api/2.0`.
 */
export interface MlflowTestClient {
  post(path: string, body: unknown): Promise<RestAnswer>;
  get(path: string, query?: Record<string, string | number | string[]>): Promise<RestAnswer>;
  /** POST or GET that must answer 200; returns the parsed body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ok(method: 'POST' | 'GET', path: string, body?: any): Promise<any>;
}

export function mlflowClient(h: ExperimentsHarness, identity: Identity): MlflowTestClient {
  const post = (path: string, body: unknown) => h.rest(`/2.0/mlflow/${path}`, { method: 'POST', body, identity });
  const get = (path: string, query: Record<string, string | number | string[]> = {}) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
    }
    const qs = search.toString();
    return h.rest(`/2.0/mlflow/${path}${qs ? `?${qs}` : ''}`, { identity });
  };
  return {
    post,
    get,
    async ok(method, path, body) {
      const answer = method === 'POST' ? await post(path, body ?? {}) : await get(path, body);
      assert.equal(answer.status, 200, `${method} ${path}: ${answer.status} ${answer.text}`);
      assert.match(answer.headers.get('content-type') ?? '', /application\/json/);
      return answer.json;
    },
  };
}

/** Asserts an MLflow error answer: the status, `error_code` and (optionally) a message pattern. */
export function assertMlflowError(answer: RestAnswer, status: number, errorCode: string, message?: RegExp): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.json?.error_code, errorCode, answer.text);
  assert.equal(typeof answer.json?.message, 'string');
  if (message) assert.match(answer.json.message, message);
}
