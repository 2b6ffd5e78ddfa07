export * from './http.js';
export * from './metrics.js';
export * from './federation.js';
export * from './readiness.js';
export * from './service-context.js';
export * from './subgraph-server.js';
export * from './routes.js';
