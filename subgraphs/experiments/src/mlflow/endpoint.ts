import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteContext } from '@aitip/kit';
import type { Actor, TrackingService } from '../tracking/api.js';
import { doesNotExist } from './errors.js';
import type { MlflowParams } from './request.js';
import type { Json } from './shapes.js';

/** One MLflow call as a handler sees it: who calls, what they sent, and the raw exchange for streaming. */
export interface MlflowCall {
  service: TrackingService;
  actor: Actor;
  params: MlflowParams;
  req: IncomingMessage;
  res: ServerResponse;
  context: RouteContext;
}

/**
 * One MLflow REST endpoint. `path` is what follows `/api/2.0` (the subgraph serves it after
 * `/rest/2.0`); the handler returns the response message, or nothing when it answered itself
 * (downloads).
 */
export interface MlflowEndpoint {
  methods: ReadonlyArray<'GET' | 'POST' | 'PUT' | 'DELETE'>;
  path: string | RegExp;
  /** `read` needs experiments:read, `write` experiments:write. */
  access: 'read' | 'write';
  /**
   * `json` (default): the body (or, for GET with a query string, the query) is parsed before the
   * handler runs; `stream`: the handler reads the body itself (artifact uploads).
   */
  body?: 'json' | 'stream';
  /** Largest JSON body accepted, and the error for a larger one. */
  bodyLimit?: { bytes: number; tooLarge(size: number): Error };
  /** Fields that repeat, read as lists from a query string. */
  repeated?: readonly string[];
  handle(call: MlflowCall): Promise<Json | void>;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * An id as the service stores it (a UUID, lower case, with dashes), or null when `id` cannot be
 * one. MLflow clients show run ids without dashes in some places (32 hex digits); both are accepted.
 */
export function normalizeId(id: string): string | null {
  if (!UUID.test(id)) return null;
  const hex = id.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A run id from a request, or RESOURCE_DOES_NOT_EXIST as MLflow answers for an unknown run. */
export function runIdOf(id: string): string {
  const normalized = normalizeId(id);
  if (!normalized) throw doesNotExist(`Run with id=${id} not found`);
  return normalized;
}

/** MLflow's id of the default experiment, which clients use when no experiment was chosen. */
export const DEFAULT_EXPERIMENT_ID = '0';
/** The name of the organization's experiment that stands for MLflow's experiment `0`. */
export const DEFAULT_EXPERIMENT_NAME = 'Default';

/**
 * An experiment id from a request: a UUID, or MLflow's `0` (the default experiment every MLflow
 * server has), which the service takes as the organization's experiment named "Default". Anything
 * else names no experiment: RESOURCE_DOES_NOT_EXIST, as MLflow answers.
 */
export function experimentIdOf(id: string): string {
  if (id === DEFAULT_EXPERIMENT_ID) return id;
  const normalized = normalizeId(id);
  if (!normalized) throw doesNotExist(`No Experiment with id=${id} exists`);
  return normalized;
}

function codeOf(err: unknown): { code?: unknown; mlflowCode?: unknown } {
  if (err && typeof err === 'object' && 'extensions' in err) {
    const extensions = (err as { extensions: Record<string, unknown> }).extensions;
    return { code: extensions['code'], mlflowCode: extensions['mlflowCode'] };
  }
  return {};
}

/** Whether the service refused because the experiment, run or artifact does not exist. */
export function isNotFound(err: unknown): boolean {
  const { code, mlflowCode } = codeOf(err);
  return code === 'NOT_FOUND' || mlflowCode === 'RESOURCE_DOES_NOT_EXIST';
}
