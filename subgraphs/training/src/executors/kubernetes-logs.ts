/**
 * Reads a container's log from the API (`GET …/pods/<pod>/log`), followed as a stream while the
 * container runs. Done with node's own HTTP client and the kubeconfig's TLS and credentials
 * (`applyToHTTPSOptions`) rather than client-node's `Log`, whose stream throws an unhandled error,
 * ending the process, when it is aborted or the connection drops.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

/** An open log: `ended` resolves when the API closes it (the container ended) or it is stopped or broken. */
export interface ContainerLog {
  readonly ended: Promise<void>;
  stop(): void;
}

/** An error answer to a log request: `code` is the HTTP status (400 while the container waits to start). */
export class LogRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Opens a container's log and passes each chunk to `onChunk`; rejects with a `LogRequestError` when
 * the API refuses (e.g. 400 while the container waits to start, 404 once the pod is gone).
 */
export async function openContainerLog(
  kubeConfig: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  query: { follow: boolean; tailLines?: number },
  onChunk: (chunk: Buffer) => void,
): Promise<ContainerLog> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(
    `${server.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log`,
  );
  url.searchParams.set('container', target.container);
  if (query.follow) url.searchParams.set('follow', 'true');
  if (query.tailLines !== undefined) url.searchParams.set('tailLines', String(query.tailLines));
  const options: RequestOptions & { rejectUnauthorized?: boolean } = { method: 'GET', headers: {} };
  await kubeConfig.applyToHTTPSOptions(options);
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.on('error', reject);
    request.end();
  });
  if (response.statusCode !== 200) {
    const body = await readAll(response);
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not a Status object: keep the text
    }
    throw new LogRequestError(response.statusCode ?? 0, message);
  }
  const ended = new Promise<void>((resolve) => {
    response.on('data', onChunk);
    response.once('end', resolve);
    response.once('close', resolve);
    response.on('error', () => resolve());
    request.on('error', () => resolve());
  });
  return { ended, stop: () => request.destroy() };
}

/** The last `lines` lines of a container's log, or '' when it cannot be read. */
export async function readLogTail(
  kubeConfig: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  lines: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    const log = await openContainerLog(kubeConfig, target, { follow: false, tailLines: lines }, (chunk) =>
      chunks.push(chunk),
    );
    await log.ended;
  } catch {
    return '';
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function readAll(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
