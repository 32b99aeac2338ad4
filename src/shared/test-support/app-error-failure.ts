/** @module shared/test-support/app-error-failure — awaits a promise that must reject with an AppError, for tests. */
import { isAppError } from '../errors.ts';

/**
 * The code and message of the AppError a promise rejects with.
 * @throws the rejection itself when it is not an AppError, or an Error when the promise resolves
 */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}
