export * from './embedded.js';
export * from './data-source.js';
