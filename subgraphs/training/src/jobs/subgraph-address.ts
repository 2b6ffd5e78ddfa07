/**
 * How the training subgraph calls another subgraph directly: on that subgraph's own address (a setting
 * in distributed mode, found in-process in all-in-one mode), with an identity signed by the internal
 * secret as the router forwards callers. The experiments, datasets and users clients share it.
 */
import { IDENTITY_HEADER, IdentitySigner, type Identity } from '@aitip/kit';

/** The platform acting in `orgId`, for `userId` when the work belongs to someone, with `scopes`. */
export function platformIdentity(orgId: string, userId: string | null, scopes: string[]): Identity {
  return { kind: 'system', orgId, ...(userId ? { userId } : {}), roles: ['system'], scopes };
}

/** A GraphQL call the subgraph answered with errors (or without data); `why` says what it said. */
export class SubgraphCallError extends Error {
  constructor(
    subgraph: string,
    readonly why: string,
  ) {
    super(`${subgraph} answered: ${why}`);
  }
}

/** Where one subgraph is and how to sign a call to it. */
export class SubgraphAddress {
  private readonly signer: IdentitySigner;

  /**
   * `baseUrl` answers where the subgraph is now (it may start after this is made); `setting` and
   * `example` tell the operator what to set when it is nowhere.
   */
  constructor(
    private readonly subgraph: string,
    private readonly setting: string,
    private readonly example: string,
    private readonly baseUrl: () => string | undefined,
    internalSecret: string,
  ) {
    this.signer = new IdentitySigner(internalSecret);
  }

  /** Whether the subgraph can be reached at all. */
  get known(): boolean {
    return Boolean(this.baseUrl());
  }

  /** The subgraph's address without a trailing `/`; throws what to set when it is unknown. */
  base(): string {
    const base = this.baseUrl();
    if (!base) {
      throw new Error(`the ${this.subgraph} subgraph's address is unknown; set ${this.setting} (e.g. ${this.example})`);
    }
    return base.replace(/\/$/, '');
  }

  /** The signed identity header of a call as `identity`. */
  identityHeader(identity: Identity): Record<string, string> {
    return { [IDENTITY_HEADER]: this.signer.sign(identity) };
  }

  /** Runs a GraphQL operation on the subgraph as `identity`; its data, or a SubgraphCallError. */
  async graphql<T>(identity: Identity, query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${this.base()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.identityHeader(identity) },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.json().catch(() => ({}))) as { data?: T; errors?: Array<{ message: string }> };
    if (answer.errors?.length)
      throw new SubgraphCallError(this.subgraph, answer.errors.map((e) => e.message).join('; '));
    if (!answer.data) throw new SubgraphCallError(this.subgraph, `HTTP ${response.status}`);
    return answer.data;
  }
}
