import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with one request through a service: its id, carried on to subgraph calls and queue messages. */
export interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` as the current request scope. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The current request's id, if the caller runs inside a request scope. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Header that carries the request id from the router through every hop. */
export const REQUEST_ID_HEADER = 'x-request-id';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a well-formed incoming request id or makes a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && requestIdPattern.test(value) ? value : randomUUID();
}
