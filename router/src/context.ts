import type { Identity, Logger } from '@aitip/kit';

/** Per-request state in the router. */
export interface RouterContext {
  identity: Identity;
  requestId: string;
  log: Logger;
}
