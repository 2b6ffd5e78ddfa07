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

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly signer: IdentitySigner,
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
    let status: number;
    let text: string;
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          [IDENTITY_HEADER]: this.signer.sign(context.identity ?? anonymousIdentity),
          ...(context.requestId ? { [REQUEST_ID_HEADER]: context.requestId } : {}),
        },
        body,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      throw new GraphQLError(`Subgraph "${this.name}" is unavailable (${this.url}): ${describe(err)}`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name },
      });
    }
    let parsed: GraphQLResponse;
    try {
      parsed = JSON.parse(text) as GraphQLResponse;
    } catch {
      throw new GraphQLError(`Subgraph "${this.name}" answered HTTP ${status} with a body that is not JSON.`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name },
      });
    }
    if (status >= 500 && !parsed.data && !parsed.errors) {
      throw new GraphQLError(`Subgraph "${this.name}" answered HTTP ${status}.`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name },
      });
    }
    return parsed;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? e.message ?? String(err);
}
