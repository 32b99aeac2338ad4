/**
 * @module server/http/error-response — the one error mapping of the server: any thrown value → AppError →
 * status (`codeToStatus`) and the body shape of the route family: `{error: {code, message, details}}` on fAIr's API,
 * MLflow's `{error_code, message}` on `/api/2.0/mlflow*`, STAC's `{code, description}` on `/stac*`.
 */
import { AppError, codeToStatus, isAppError } from '../../shared/index.ts';

/** Which error shape a URL's family answers with. */
export type ErrorFamily = 'api' | 'mlflow' | 'stac';

/** Path prefix of the STAC API. */
export const STAC_PREFIX = '/stac';

/**
 * The family of a request URL.
 * @param url - the request URL (path and query)
 */
export function errorFamilyOf(url: string): ErrorFamily {
  const path = url.split('?', 1)[0] ?? '';
  if (path.startsWith('/api/2.0/mlflow')) return 'mlflow';
  if (path === STAC_PREFIX || path.startsWith(`${STAC_PREFIX}/`)) return 'stac';
  return 'api';
}

type FrameworkError = { code?: unknown; statusCode?: unknown; message?: unknown };

/**
 * Turns anything thrown into an AppError: AppErrors pass; the framework's request errors (body too large, bad JSON,
 * unsupported media type) become LIMIT_EXCEEDED or INVALID_PARAMETER_VALUE; anything else INTERNAL_ERROR with a
 * generic message (the original goes to the server's error callback, never to the client).
 * @param error - what was thrown
 * @param bodyLimit - the body limit in bytes, for the 413 message
 * @returns the AppError to render
 */
export function toAppError(error: unknown, bodyLimit: number): AppError {
  if (isAppError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413)
    return new AppError('LIMIT_EXCEEDED', `request body is over the limit of ${bodyLimit} bytes`);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new AppError('INVALID_PARAMETER_VALUE', `unsupported request Content-Type: ${message}`);
  if (error instanceof SyntaxError || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new AppError('INVALID_PARAMETER_VALUE', `request body is not valid JSON: ${message}`);
  if (status >= 400 && status < 500)
    return new AppError('INVALID_PARAMETER_VALUE', `bad request: ${message}`);
  return new AppError('INTERNAL_ERROR', 'internal server error');
}

/**
 * The status and body of an error for a family.
 * @param error - the AppError
 * @param family - the route family
 * @returns status and JSON body
 */
export function errorResponse(error: AppError, family: ErrorFamily): { status: number; body: object } {
  const status = codeToStatus[error.code];
  if (family === 'mlflow') return { status, body: { error_code: error.code, message: error.message } };
  if (family === 'stac') return { status, body: { code: error.code, description: error.message } };
  return {
    status,
    body: { error: { code: error.code, message: error.message, details: error.details ?? null } },
  };
}
