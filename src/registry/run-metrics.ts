/**
 * @module registry/run-metrics — a tracking run's latest metrics as the publish gate reads them, for versions
 * registered through the MLflow API with only a `run_id`.
 */
import type { TrackingService } from '../tracking/index.ts';
import { isAppError } from '../shared/index.ts';

/**
 * The `runMetrics` option of `createRegistryService`, read from the tracking service: each metric's latest value,
 * with the training tracker's evaluation metrics (`eval_object_f1`) also under their plain name (`object_f1`),
 * where they win over a plain metric of the same name.
 * @param tracking - the tracking service (only `getRun` is used)
 * @returns the lookup; undefined for an unknown run
 * @example
 * const registry = createRegistryService({ store, runMetrics: runMetricsFrom(tracking) });
 */
export function runMetricsFrom(
  tracking: Pick<TrackingService, 'getRun'>,
): (runId: string) => Promise<Record<string, number> | undefined> {
  return async (runId) => {
    let run;
    try {
      run = await tracking.getRun(runId);
    } catch (error) {
      if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
    const metrics: Record<string, number> = {};
    for (const m of run.data.metrics) if (!m.key.startsWith('eval_')) metrics[m.key] = m.value;
    for (const m of run.data.metrics)
      if (m.key.startsWith('eval_')) metrics[m.key.slice('eval_'.length)] = m.value;
    return metrics;
  };
}
