import { InputError } from '@aitip/kit';

/** MLflow's error code for every malformed search input (filter, order_by, page token, max_results). */
export const INVALID_PARAMETER_VALUE = 'INVALID_PARAMETER_VALUE';

/**
 * A malformed search input. `position` is the 1-based column of the offending token, so the web's
 * filter box and the MLflow REST answer can both point at it; the REST routes read `mlflowCode`.
 */
export function searchError(message: string, position?: number): InputError {
  return new InputError(message, {
    mlflowCode: INVALID_PARAMETER_VALUE,
    ...(position !== undefined ? { position } : {}),
  });
}
