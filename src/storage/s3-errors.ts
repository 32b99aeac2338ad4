/** @module storage/s3-errors — translates S3 SDK errors into AppError before they leave the S3 store. */
import { AppError } from '../shared/index.ts';

type SdkError = { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };

/**
 * The AppError for an S3 SDK failure: missing objects and buckets become RESOURCE_DOES_NOT_EXIST (naming the URI
 * or the bucket), anything else UPSTREAM_FAILURE naming the operation and the URI.
 * @param error - what the SDK threw
 * @param operation - the S3 operation (`GetObject`, …)
 * @param uri - the object's (or prefix's) URI
 * @param bucket - the bucket
 * @returns the AppError to throw (an AppError passes through unchanged)
 */
export function s3Failure(error: unknown, operation: string, uri: string, bucket: string): AppError {
  if (error instanceof AppError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (name === 'NoSuchBucket') {
    return new AppError(
      'RESOURCE_DOES_NOT_EXIST',
      `S3 bucket ${bucket} does not exist (${operation} ${uri})`,
    );
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || e.$metadata?.httpStatusCode === 404) {
    return new AppError('RESOURCE_DOES_NOT_EXIST', `blob ${uri} does not exist`);
  }
  return new AppError('UPSTREAM_FAILURE', `S3 ${operation} of ${uri} failed: ${name}: ${message}`, {
    operation,
    uri,
    name,
    status: e.$metadata?.httpStatusCode,
  });
}

/**
 * True when an SDK error means "no such object" (HeadObject answers a bare 404 `NotFound`).
 * @param error - what the SDK threw
 * @returns whether the object is missing
 */
export function isS3NotFound(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  return e.name === 'NoSuchKey' || e.name === 'NotFound';
}
