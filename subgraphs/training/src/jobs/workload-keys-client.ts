/**
 * The training subgraph's calls to the users subgraph: an attempt's MLFLOW_TRACKING_TOKEN is an API key
 * the users subgraph issues for it (acting for the job's owner in the job's organization, with the
 * experiments scopes only) and revokes when the attempt ends; its expiry covers a worker that dies first.
 */
import type { RunOwner } from './experiments-client.js';
import { platformIdentity, SubgraphAddress, SubgraphCallError } from './subgraph-address.js';

/** What an attempt's key may do: log to and read its run, nothing else. */
export const WORKLOAD_KEY_SCOPES = ['experiments:read', 'experiments:write'];

/** An issued key: its id (to revoke it) and the whole key (the token the job gets). */
export interface WorkloadKey {
  id: string;
  secret: string;
}

/** Client of the users subgraph's workload keys. */
export class WorkloadKeysClient {
  private readonly address: SubgraphAddress;

  /** `baseUrl` answers where the users subgraph is now (it may start after this client is made). */
  constructor(baseUrl: () => string | undefined, internalSecret: string) {
    this.address = new SubgraphAddress('users', 'TRAINING_USERS_URL', 'http://users:4101', baseUrl, internalSecret);
  }

  /** Whether the users subgraph can be reached at all (distributed mode needs TRAINING_USERS_URL). */
  get configured(): boolean {
    return this.address.known;
  }

  /** Issues a key for `owner` that stops working after `ttlSeconds` unless revoked first. */
  async issue(owner: RunOwner, name: string, ttlSeconds: number): Promise<WorkloadKey> {
    const data = await this.call<{ issueWorkloadKey: { apiKey: { id: string }; secret: string } }>(
      owner,
      `mutation($input: IssueWorkloadKeyInput!) { issueWorkloadKey(input: $input) { apiKey { id } secret } }`,
      { input: { name, scopes: WORKLOAD_KEY_SCOPES, ttlSeconds } },
    );
    return { id: data.issueWorkloadKey.apiKey.id, secret: data.issueWorkloadKey.secret };
  }

  /** Revokes the key at once (every router drops it). */
  async revoke(owner: RunOwner, id: string): Promise<void> {
    await this.call(owner, `mutation($id: ID!) { revokeWorkloadKey(id: $id) }`, { id });
  }

  private async call<T>(owner: RunOwner, query: string, variables: Record<string, unknown>): Promise<T> {
    try {
      return await this.address.graphql<T>(
        platformIdentity(owner.orgId, owner.userId, ['keys:write']),
        query,
        variables,
      );
    } catch (err) {
      if (!(err instanceof SubgraphCallError)) throw err;
      throw new Error(`the users subgraph did not issue the job's MLflow token: ${err.why}`);
    }
  }
}
