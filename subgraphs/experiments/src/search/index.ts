/**
 * Search for the experiments subgraph: MLflow's filter and order_by languages compiled to
 * parameterized SQL, with keyset page tokens. Pure: it builds statements; the tracking service runs
 * them inside `inTenant`.
 */
export { buildRunSearch, compileRunOrder, SEARCH_MAX_RESULTS } from './run-search.js';
export { buildExperimentSearch, compileExperimentFilter } from './experiment-search.js';
export {
  parseRunFilter,
  type RunFilter,
  type RunFilterClause,
  type RunEntity,
  type RunAttribute,
} from './run-filter.js';
export { compileRunFilter } from './run-sql.js';
export { parseOrderBy, type OrderTerm } from './order-by.js';
export {
  parseExperimentFilter,
  parseExperimentOrderBy,
  type ExperimentFilter,
  type ExperimentOrderTerm,
} from './experiment-filter.js';
export type { Comparator, FilterClause } from './filter-parser.js';
export { encodePageToken, decodePageToken, type PageTokenContent } from './page-token.js';
export type { SearchStatement, SortColumn } from './keyset.js';
export { SqlBuilder } from './sql-builder.js';
export { INVALID_PARAMETER_VALUE } from './errors.js';
