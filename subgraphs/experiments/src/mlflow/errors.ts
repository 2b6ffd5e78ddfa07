import type { ServerResponse } from 'node:http';
import { AitipError, sendJson, type Logger } from '@aitip/kit';

/**
 * The HTTP status MLflow answers with for each of its error codes (its `ERROR_CODE_TO_HTTP_STATUS`),
 * so that MLflow clients, which read `error_code`, and plain HTTP tools, which read the status, agree.
 */
export const MLFLOW_HTTP_STATUS: Readonly<Record<string, number>> = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  REQUEST_LIMIT_EXCEEDED: 429,
  CANCELLED: 499,
  RESOURCE_EXHAUSTED: 429,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
};

/** MLflow's code for each kit error code, used when the error does not name one itself. */
const MLFLOW_CODE_BY_KIT_CODE: Readonly<Record<string, string>> = {
  BAD_USER_INPUT: 'INVALID_PARAMETER_VALUE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'PERMISSION_DENIED',
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  CONFLICT: 'RESOURCE_ALREADY_EXISTS',
  QUOTA_EXCEEDED: 'RESOURCE_EXHAUSTED',
  RATE_LIMITED: 'REQUEST_LIMIT_EXCEEDED',
  SUBGRAPH_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
};

/** A failure answered in MLflow's shape: `{"error_code": …, "message": …}` with MLflow's status. */
export class MlflowError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowError';
  }

  get status(): number {
    return MLFLOW_HTTP_STATUS[this.errorCode] ?? 500;
  }
}

/** INVALID_PARAMETER_VALUE: the request names a value MLflow would refuse. */
export const invalidParameter = (message: string) => new MlflowError('INVALID_PARAMETER_VALUE', message);

/** RESOURCE_DOES_NOT_EXIST, as MLflow answers for an unknown experiment, run or artifact. */
export const doesNotExist = (message: string) => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);

/**
 * The MLflow error for anything a handler threw: an MlflowError as it is; a kit AitipError with
 * `extensions.mlflowCode` when the service named MLflow's code, else the code its kit code maps to;
 * anything else is unexpected and becomes INTERNAL_ERROR (returned as null so the caller logs it).
 */
export function toMlflowError(err: unknown): MlflowError | null {
  if (err instanceof MlflowError) return err;
  if (err instanceof AitipError) {
    const named = err.extensions['mlflowCode'];
    const code =
      typeof named === 'string' && named in MLFLOW_HTTP_STATUS
        ? named
        : (MLFLOW_CODE_BY_KIT_CODE[err.code] ?? 'INTERNAL_ERROR');
    return new MlflowError(code, err.message);
  }
  return null;
}

/** Answers a failed MLflow call; unexpected errors are logged and shown without internals. */
export function sendMlflowError(res: ServerResponse, err: unknown, log: Logger, requestId?: string): void {
  if (res.headersSent) {
    log.warn({ err }, 'MLflow API call failed after its answer started; closing the connection');
    res.destroy();
    return;
  }
  let answer = toMlflowError(err);
  if (!answer) {
    log.error({ err }, 'MLflow API call failed');
    answer = new MlflowError(
      'INTERNAL_ERROR',
      `Internal error${requestId ? ` (request id ${requestId})` : ''}; see the experiments subgraph log.`,
    );
  }
  sendJson(res, answer.status, { error_code: answer.errorCode, message: answer.message });
}
