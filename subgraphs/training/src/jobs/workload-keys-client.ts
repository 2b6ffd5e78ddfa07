/**
 * The training subgraph's calls to the users subgraph: an attempt's MLFLOW_TRACKING_TOKEN is an API key
 * the users subgraph issues for it (acting for the job's owner in the job's organization, with the
 * experiments scopes only) and revokes when the attempt ends; its expiry covers a worker that dies first.
 */
import { IDENTITY_HEADER, IdentitySigner, type Identity } from '@aitip/kit';
import type { RunOwner } from './experiments-client.js';

/** What an attempt's key may do: log to and read its run, nothing else. */
export const WORKLOAD_KEY_SCOPES = ['experiments:read', 'experiments:write'];

/** An issued key: its id (to revoke it) and the whole key (the token the job gets). */
export interface WorkloadKey {
  id: string;
  secret: string;
}

/** Client of the users subgraph's workload keys. */
export class WorkloadKeysClient {
  private readonly signer: IdentitySigner;

  /** `baseUrl` answers where the users subgraph is now (it may start after this client is made). */
  constructor(
    private readonly baseUrl: () => string | undefined,
    internalSecret: string,
  ) {
    this.signer = new IdentitySigner(internalSecret);
  }

  /** Whether the users subgraph can be reached at all (distributed mode needs TRAINING_USERS_URL). */
  get configured(): boolean {
    return Boolean(this.baseUrl());
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
    const base = this.baseUrl();
    if (!base) {
      throw new Error("the users subgraph's address is unknown; set TRAINING_USERS_URL (e.g. http://users:4101)");
    }
    const identity: Identity = {
      kind: 'system',
      orgId: owner.orgId,
      ...(owner.userId ? { userId: owner.userId } : {}),
      roles: ['system'],
      scopes: ['keys:write'],
    };
    const response = await fetch(`${base.replace(/\/$/, '')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: this.signer.sign(identity) },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.json().catch(() => ({}))) as { data?: T; errors?: Array<{ message: string }> };
    if (answer.errors?.length || !answer.data) {
      const why = answer.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`;
      throw new Error(`the users subgraph did not issue the job's MLflow token: ${why}`);
    }
    return answer.data;
  }
}
