import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { attachmentDisposition } from '@aitip/kit';
import { artifactContentType } from '../artifacts/artifact-paths.js';
import type { Actor, TrackingService } from '../tracking/api.js';
import { isNotFound, normalizeId, runIdOf, type MlflowCall, type MlflowEndpoint } from './endpoint.js';
import { MlflowError, doesNotExist, invalidParameter } from './errors.js';
import { fileInfoJson, responseJson, type Json } from './shapes.js';

/**
 * Artifacts: `artifacts/list` (by run) and MLflow's artifact proxy, `mlflow-artifacts/artifacts/…`,
 * which MLflow clients use for every run whose `artifact_uri` is `mlflow-artifacts:/<experiment
 * id>/<run id>/artifacts`: PUT uploads a file (streamed to blob storage), GET downloads one (or
 * lists a directory), GET with `?path=` lists.
 */

/**
 * A client-supplied artifact path, percent-decoded and checked the way MLflow's
 * `validate_path_is_safe` does: no `..`, no absolute or Windows paths, no backslashes.
 */
export function safeArtifactPath(raw: string): string {
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw invalidParameter(`Invalid path: ${raw}`);
  }
  const unsafe =
    path.includes('\\') ||
    path.includes('\0') ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    path.split('/').includes('..');
  if (unsafe) throw invalidParameter(`Invalid path: ${path}`);
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** The run and the path inside its artifacts that a proxy path `<experiment>/<run>/artifacts/<path>` names. */
interface ProxiedPath {
  experimentId: string;
  runId: string;
  /** null when the path stops at `<experiment>/<run>` (above the run's artifact root). */
  relative: string | null;
}

function proxiedPath(path: string): ProxiedPath {
  const parts = path === '' ? [] : path.split('/');
  const [experiment, run, root, ...rest] = parts;
  const experimentId = experiment ? normalizeId(experiment) : null;
  const runId = run ? normalizeId(run) : null;
  if (!experimentId || !runId || (root !== undefined && root !== 'artifacts')) {
    throw doesNotExist(
      `No artifact at '${path}'. AITIP keeps artifacts per run: use a path under a run's artifact_uri, ` +
        '<experiment id>/<run id>/artifacts/<path>.',
    );
  }
  return { experimentId, runId, relative: root === undefined ? null : rest.join('/') };
}

/** Checks that the run exists in the caller's organization and belongs to the experiment the path names. */
async function checkRun(service: TrackingService, actor: Actor, target: ProxiedPath): Promise<void> {
  const run = await service.getRun(actor, target.runId);
  if (run.experimentId !== target.experimentId) {
    throw doesNotExist(`Run ${target.runId} is not in experiment ${target.experimentId}.`);
  }
}

/** MLflow's file list for one level of a run's artifacts, each path given by `name`. */
async function listing(
  service: TrackingService,
  actor: Actor,
  runId: string,
  relative: string,
  name: (path: string) => string,
): Promise<Json[]> {
  const entries = await service.listArtifacts(actor, runId, relative);
  return entries.map((entry) => fileInfoJson(entry, name(entry.path)));
}

/** What a proxy listing of `path` holds: the run root's one directory, or the files under it. */
async function proxyListing(call: MlflowCall, path: string): Promise<Json> {
  const target = proxiedPath(path);
  if (target.relative === null) {
    await checkRun(call.service, call.actor, target);
    return responseJson({ files: [{ path: 'artifacts', is_dir: true }] });
  }
  const files = await listing(call.service, call.actor, target.runId, target.relative, (p) => posix.basename(p));
  return responseJson({ files });
}

/** The type a download is answered with: the stored type, and text for MLflow's own `MLmodel`/`MLproject` files. */
export function mimeTypeOf(path: string): string {
  const name = posix.basename(path);
  return name === 'MLmodel' || name === 'MLproject' ? 'text/plain' : artifactContentType(path);
}

async function download(call: MlflowCall, path: string): Promise<Json | void> {
  const target = proxiedPath(path);
  if (target.relative === null || target.relative === '') return proxyListing(call, path);
  const { service, actor, req, res } = call;
  let artifact;
  try {
    artifact = await service.getArtifact(actor, target.runId, target.relative);
  } catch (err) {
    // a directory is no file: list it, as a browser following the path would want
    if (!isNotFound(err)) throw err;
    const listed = await proxyListing(call, path);
    if ((listed as { files?: Json[] }).files?.length) return listed;
    throw err;
  }
  res.writeHead(200, {
    'content-type': mimeTypeOf(target.relative),
    'content-length': String(artifact.size),
    'content-disposition': attachmentDisposition(posix.basename(target.relative)),
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
  });
  if (req.method === 'HEAD') {
    artifact.body.destroy();
    res.end();
    return;
  }
  await pipeline(artifact.body, res);
}

async function upload(call: MlflowCall, path: string): Promise<Json> {
  const target = proxiedPath(path);
  if (!target.relative) {
    throw invalidParameter(`Upload to a file path under the run's artifacts: '${path}' is a directory.`);
  }
  const declared = Number(call.req.headers['content-length']);
  await call.service.putArtifact(
    call.actor,
    target.runId,
    target.relative,
    call.req,
    Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined,
  );
  return responseJson();
}

const PROXY_PATH = /^\/mlflow-artifacts\/artifacts\/(.+)$/;

export const artifactEndpoints: MlflowEndpoint[] = [
  {
    methods: ['GET'],
    path: '/mlflow/artifacts/list',
    access: 'read',
    async handle({ service, actor, params }) {
      const runId = params.runId();
      const path = safeArtifactPath(params.string('path') ?? '');
      params.string('page_token');
      const id = runIdOf(runId);
      const run = await service.getRun(actor, id);
      const files = await listing(service, actor, id, path, (p) => p);
      return responseJson({ root_uri: run.artifactUri, files });
    },
  },
  {
    methods: ['GET'],
    path: '/mlflow-artifacts/artifacts',
    access: 'read',
    async handle(call) {
      return proxyListing(call, safeArtifactPath(call.params.string('path') ?? ''));
    },
  },
  {
    methods: ['GET'],
    path: PROXY_PATH,
    access: 'read',
    body: 'stream',
    async handle(call) {
      return download(call, safeArtifactPath(call.context.params[0]!));
    },
  },
  {
    methods: ['PUT'],
    path: PROXY_PATH,
    access: 'write',
    body: 'stream',
    async handle(call) {
      return upload(call, safeArtifactPath(call.context.params[0]!));
    },
  },
  {
    methods: ['DELETE'],
    path: PROXY_PATH,
    access: 'write',
    body: 'stream',
    async handle() {
      throw new MlflowError(
        'NOT_IMPLEMENTED',
        'Deleting artifacts is not supported; delete the run instead (runs/delete), or its experiment.',
      );
    },
  },
];
