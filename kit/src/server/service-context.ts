import type { Identity } from '../identity.js';
import type { Logger } from '../log.js';
import type { AuditSink } from '../audit.js';

/** Per-request state every resolver receives: who is calling and a logger carrying the request id. */
export interface ServiceContext {
  identity: Identity;
  requestId: string;
  log: Logger;
  /** Where `@Audited` mutations record their events, with this service's name. */
  audit?: { sink: AuditSink; service: string };
}
