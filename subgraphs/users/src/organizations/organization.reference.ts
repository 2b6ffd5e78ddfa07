import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { OrganizationStore } from './organization.store.js';

/** Resolves Organization references from other subgraphs with one query per request. */
export const organizationReference = (store: OrganizationStore) =>
  batchedReference<ServiceContext, { id: string }>('Organization', (ids) => store.findByIds(ids));
