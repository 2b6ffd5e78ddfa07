export * from './compose.js';
export * from './generate.js';
