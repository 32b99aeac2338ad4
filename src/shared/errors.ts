/** @module shared/errors — the one error type of fAIr and its closed table of codes. */

/** Every failure code the system can report; `codeToStatus` maps each to an HTTP status. */
export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'CONFLICT'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'LIMIT_EXCEEDED'
  | 'RESOURCE_EXHAUSTED'
  | 'UPSTREAM_FAILURE'
  | 'TIMEOUT'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL_ERROR';

/** HTTP status for each error code (the single table the HTTP layer applies). */
export const codeToStatus: Readonly<Record<ErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  CONFLICT: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  LIMIT_EXCEEDED: 413,
  // Busy now, try later (MLflow's name for 429).
  RESOURCE_EXHAUSTED: 429,
  UPSTREAM_FAILURE: 502,
  TIMEOUT: 504,
  NOT_IMPLEMENTED: 501,
  INTERNAL_ERROR: 500,
};

/**
 * The base error of fAIr: a code from the closed union, a one-line message that names the bad input, and optional
 * structured details (e.g. the list of failed tiles).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  /**
   * @param code - the failure class
   * @param message - one line naming the problem and the input that caused it
   * @param details - machine-readable context, default undefined
   */
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

/**
 * Throws `INVALID_PARAMETER_VALUE` with the given message.
 * @throws AppError always
 */
export function invalid(message: string, details?: unknown): never {
  throw new AppError('INVALID_PARAMETER_VALUE', message, details);
}

/** True when `error` is an AppError with the given code (or any AppError when no code is given). */
export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
