import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { UserService } from './user.service.js';

/** Resolves User references with one query per request; only the caller and members of their active organization resolve. */
export const userReference = (service: UserService) =>
  batchedReference<ServiceContext, { id: string }>('User', (ids, ctx) => service.references(ctx.identity, ids));
