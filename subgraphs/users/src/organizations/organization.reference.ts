import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { OrganizationService } from './organization.service.js';

/** Resolves Organization references with one query per request; only the caller's active organization resolves. */
export const organizationReference = (service: OrganizationService) =>
  batchedReference<ServiceContext, { id: string }>('Organization', (ids, ctx) => service.references(ctx.identity, ids));
