/**
 * The training subgraph's calls to the experiments subgraph: its MLflow REST routes, called on the
 * subgraph's own address with an identity signed by the internal secret (as the router forwards
 * callers), acting in the job's organization. Everything the job links to its run goes through here.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { platformIdentity, SubgraphAddress } from './subgraph-address.js';

/** Who the calls act as: the job's organization and the user who submitted it. */
export interface RunOwner {
  orgId: string;
  userId: string | null;
}

/** One metric point as MLflow's log-batch takes it. */
export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export type RunEndStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** A failed call; `code` is MLflow's error code (e.g. RESOURCE_DOES_NOT_EXIST). */
export class ExperimentsCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Client of the experiments subgraph's MLflow routes. */
export class ExperimentsClient {
  private readonly address: SubgraphAddress;

  /** `baseUrl` answers where the experiments subgraph is now (it may start after this client is made). */
  constructor(baseUrl: () => string | undefined, internalSecret: string) {
    this.address = new SubgraphAddress(
      'experiments',
      'TRAINING_EXPERIMENTS_URL',
      'http://experiments:4105',
      baseUrl,
      internalSecret,
    );
  }

  private url(path: string): string {
    return `${this.address.base()}/rest/2.0${path}`;
  }

  private identityHeader(owner: RunOwner): Record<string, string> {
    return this.address.identityHeader(
      platformIdentity(owner.orgId, owner.userId, ['experiments:read', 'experiments:write']),
    );
  }

  private async call(owner: RunOwner, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const url = this.url(path);
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...this.identityHeader(owner) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (!response.ok) {
      const message = typeof json['message'] === 'string' ? json['message'] : text;
      throw new ExperimentsCallError(
        `experiments ${path} answered ${response.status}: ${message}`,
        response.status,
        json['error_code'] as string | undefined,
      );
    }
    return json;
  }

  /** The experiment named `name`, created when missing; returns its id. */
  async ensureExperiment(owner: RunOwner, name: string): Promise<string> {
    const found = await this.experimentByName(owner, name);
    if (found) return found;
    try {
      const created = await this.call(owner, 'POST', '/mlflow/experiments/create', { name });
      return String(created['experiment_id']);
    } catch (err) {
      // another job made it at the same moment
      if (err instanceof ExperimentsCallError && err.code === 'RESOURCE_ALREADY_EXISTS') {
        const raced = await this.experimentByName(owner, name);
        if (raced) return raced;
      }
      throw err;
    }
  }

  private async experimentByName(owner: RunOwner, name: string): Promise<string | null> {
    try {
      const answer = await this.call(
        owner,
        'GET',
        `/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
      );
      return String((answer['experiment'] as Record<string, unknown>)['experiment_id']);
    } catch (err) {
      if (err instanceof ExperimentsCallError && err.code === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw err;
    }
  }

  /** Creates a run in the experiment; returns its id. */
  async createRun(
    owner: RunOwner,
    experimentId: string,
    runName: string,
    tags: Record<string, string>,
  ): Promise<string> {
    const answer = await this.call(owner, 'POST', '/mlflow/runs/create', {
      experiment_id: experimentId,
      run_name: runName,
      start_time: Date.now(),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    const run = answer['run'] as { info: { run_id: string } };
    return run.info.run_id;
  }

  /** Logs metric points, params and tags in one call (at most 1,000 metrics, 100 params). */
  async logBatch(
    owner: RunOwner,
    runId: string,
    batch: { metrics?: MetricPoint[]; params?: Record<string, string>; tags?: Record<string, string> },
  ): Promise<void> {
    await this.call(owner, 'POST', '/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: batch.metrics ?? [],
      params: Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value })),
      tags: Object.entries(batch.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
  }

  /** Sets the run's status (RUNNING again on a retry, or how it ended). */
  async setRunStatus(owner: RunOwner, runId: string, status: RunEndStatus | 'RUNNING'): Promise<void> {
    await this.call(owner, 'POST', '/mlflow/runs/update', {
      run_id: runId,
      status,
      ...(status === 'RUNNING' ? {} : { end_time: Date.now() }),
    });
  }

  /** Uploads a file as the run artifact `path`, streamed. */
  async uploadArtifact(
    owner: RunOwner,
    experimentId: string,
    runId: string,
    path: string,
    file: string,
  ): Promise<void> {
    const size = (await stat(file)).size;
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const url = this.url(`/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${encoded}`);
    const response = await fetch(url, {
      method: 'PUT',
      headers: {
        'content-length': String(size),
        'content-type': 'application/octet-stream',
        ...this.identityHeader(owner),
      },
      body: createReadStream(file) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    const text = await response.text();
    if (!response.ok) {
      throw new ExperimentsCallError(
        `uploading artifact ${path} answered ${response.status}: ${text}`,
        response.status,
        undefined,
      );
    }
  }
}
