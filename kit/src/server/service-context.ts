import type { Identity } from '../identity.js';
import type { Logger } from '../log.js';

/** Per-request state every resolver receives: who is calling and a logger carrying the request id. */
export interface ServiceContext {
  identity: Identity;
  requestId: string;
  log: Logger;
}
