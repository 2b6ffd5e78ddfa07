export * from './router.js';
export * from './supergraph.js';
export * from './subgraph-health.js';
export * from './platform-subgraphs.js';
export * from './config.js';
export * from './platform.js';
export * from './security.js';
export { Authenticator, ORG_HEADER } from './auth/authenticator.js';
export { parseRateLimit } from './limits/rate-limit-spec.js';
