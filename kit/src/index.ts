import 'reflect-metadata';

export * from './config.js';
export * from './log.js';
export * from './errors.js';
export * from './identity.js';
export * from './request-scope.js';
export * from './db/index.js';
export * from './server/index.js';
export * from './subgraph.js';
export * from './platform.js';
export * from './bus/index.js';
export * from './queue/index.js';
export * from './blob/index.js';
export * from './reconcile.js';
export * from './process.js';
export * from './ids.js';
