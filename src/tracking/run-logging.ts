/**
 * @module tracking/run-logging — the single-entry logging calls (log-metric, log-parameter, set-tag) written over
 * the service's one primitive, `logBatch`, so they share its validation and limits.
 */
import type { Metric } from './entities.ts';
import type { Access, TrackingService } from './tracking-service.ts';

/**
 * Logs one metric value.
 * @param service - the tracking service
 * @param runId - an active run
 * @param metric - key, value (NaN and ±Infinity allowed), timestamp (ms) and step
 * @param access - who asks (default none: a trusted internal caller)
 * @throws AppError as `TrackingService.logBatch`
 */
export async function logMetric(
  service: TrackingService,
  runId: string,
  metric: Metric,
  access?: Access,
): Promise<void> {
  await service.logBatch(runId, { metrics: [metric] }, access);
}

/**
 * Logs a param; repeating the same value is a no-op.
 * @param service - the tracking service
 * @param runId - an active run
 * @param key - the param name
 * @param value - the value
 * @param access - who asks (default none: a trusted internal caller)
 * @throws AppError INVALID_PARAMETER_VALUE when the param already has another value; as `logBatch` otherwise
 */
export async function logParam(
  service: TrackingService,
  runId: string,
  key: string,
  value: string,
  access?: Access,
): Promise<void> {
  await service.logBatch(runId, { params: [{ key, value }] }, access);
}

/**
 * Sets a run tag (replacing its value); `mlflow.runName` also renames the run.
 * @param service - the tracking service
 * @param runId - an active run
 * @param key - the tag name
 * @param value - the value
 * @param access - who asks (default none: a trusted internal caller)
 * @throws AppError as `TrackingService.logBatch`
 */
export async function setTag(
  service: TrackingService,
  runId: string,
  key: string,
  value: string,
  access?: Access,
): Promise<void> {
  await service.logBatch(runId, { tags: [{ key, value }] }, access);
}
