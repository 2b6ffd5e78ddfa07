import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';

type GraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
import { GraphQLError } from 'graphql';
import { Pool } from 'undici';
import { IDENTITY_HEADER, REQUEST_ID_HEADER, anonymousIdentity, type IdentitySigner } from '@aitip/kit';
import type { RouterContext } from './context.js';

/**
 * Calls one subgraph over a keep-alive connection pool, with the router-signed identity and the
 * request id. Network failures become an error that names the subgraph.
 */
export class SubgraphDataSource implements GraphQLDataSource<RouterContext> {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly inFlight = new Map<string, Promise<{ status: number; text: string }>>();

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly signer: IdentitySigner,
    private readonly options: { deduplicateQueries: boolean } = { deduplicateQueries: true },
  ) {
    const parsed = new URL(url);
    this.path = parsed.pathname + parsed.search;
    this.pool = new Pool(parsed.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async process(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<GraphQLResponse> {
    const { request } = options;
    const context = options.context as Partial<RouterContext>;
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    });
    const identity = this.signer.sign(context.identity ?? anonymousIdentity);
    // Identical queries in flight at the same time, for the same identity, share one subgraph
    // call (as Apollo Router and Hive Gateway do); each caller parses its own copy of the answer.
    // Mutations are never shared.
    const key = this.options.deduplicateQueries && isQuery(request.query) ? `${identity}\n${body}` : undefined;
    let pending = key === undefined ? undefined : this.inFlight.get(key);
    if (!pending) {
      pending = this.send(body, identity, context.requestId);
      if (key !== undefined) {
        this.inFlight.set(key, pending);
        const forget = () => this.inFlight.delete(key);
        pending.then(forget, forget);
      }
    }
    const { status, text } = await pending;
    let parsed: GraphQLResponse;
    try {
      parsed = JSON.parse(text) as GraphQLResponse;
    } catch {
      throw this.unavailable(`answered HTTP ${status} with a body that is not JSON.`);
    }
    if (status >= 500 && !parsed.data && !parsed.errors) throw this.unavailable(`answered HTTP ${status}.`);
    return parsed;
  }

  private async send(
    body: string,
    identity: string,
    requestId: string | undefined,
  ): Promise<{ status: number; text: string }> {
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          [IDENTITY_HEADER]: identity,
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
        },
        body,
      });
      return { status: response.statusCode, text: await response.body.text() };
    } catch (err) {
      throw this.unavailable(`is unavailable (${this.url}): ${describe(err)}`);
    }
  }

  private unavailable(problem: string): GraphQLError {
    return new GraphQLError(`Subgraph "${this.name}" ${problem}`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name },
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Subgraph operations the gateway plans start with `query` (or `{`); mutations with `mutation`. */
function isQuery(operation: string | undefined): boolean {
  return operation !== undefined && /^\s*(query\b|\{)/.test(operation);
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? e.message ?? String(err);
}
