export * from './embedded.js';
export * from './data-source.js';
export { DataDirectoryInUseError } from './data-dir-lock.js';
export * from './tenant.js';
export * from './rows.js';
