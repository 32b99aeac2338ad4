/**
 * @module registry/publish-gate — the publish gate: a model version reaches Production only when its evaluation
 * metrics meet the configured minimums (default `object_f1 ≥ 0.5`). fAIr's old gate on pixel accuracy is refused
 * as a gate metric: a model that predicts "no building" everywhere scores high pixel accuracy on sparse scenes.
 */
import { invalid } from '../shared/index.ts';

/** Minimum value per metric (a version passes when every listed metric is ≥ its minimum). */
export type PublishThresholds = Readonly<Record<string, number>>;

/** The default gate: object-level F1 (buildings matched at IoU ≥ 0.5) of at least 0.5. */
export const DEFAULT_PUBLISH_THRESHOLDS: PublishThresholds = { object_f1: 0.5 };

/** Metrics that must not gate publishing (they reward predicting background). */
const refusedGateMetrics = new Set(['accuracy', 'pixel_accuracy', 'fair:accuracy']);

/**
 * Checks a gate's configuration.
 * @param thresholds - metric → minimum; `{}` turns the gate off
 * @returns the thresholds
 * @throws AppError INVALID_PARAMETER_VALUE for a pixel-accuracy metric or a non-finite minimum
 */
export function checkPublishThresholds(thresholds: PublishThresholds): PublishThresholds {
  for (const [metric, minimum] of Object.entries(thresholds)) {
    if (refusedGateMetrics.has(metric))
      invalid(
        `publish threshold on ${metric} is not allowed: pixel accuracy does not show that buildings are found`,
      );
    if (!Number.isFinite(minimum))
      invalid(`publish threshold of ${metric} must be a finite number, got ${minimum}`);
  }
  return thresholds;
}

/**
 * The first reason a version fails the gate, or undefined when it passes.
 * @param metrics - the version's evaluation metrics
 * @param thresholds - the gate
 * @returns `{metric, value, threshold}` of the first failing metric (`value` undefined when missing)
 */
export function publishGateFailure(
  metrics: Readonly<Record<string, number>>,
  thresholds: PublishThresholds,
): { metric: string; value: number | undefined; threshold: number } | undefined {
  for (const [metric, threshold] of Object.entries(thresholds)) {
    const value = metrics[metric];
    if (value === undefined || !Number.isFinite(value) || value < threshold)
      return { metric, value, threshold };
  }
  return undefined;
}

/**
 * Refuses a version that fails the gate.
 * @param label - the version, for the message (`model banepa version 2`)
 * @param metrics - its metrics
 * @param thresholds - the gate
 * @throws AppError INVALID_PARAMETER_VALUE naming the metric, its value and the threshold; `details` holds them
 */
export function assertPublishGate(
  label: string,
  metrics: Readonly<Record<string, number>>,
  thresholds: PublishThresholds,
): void {
  const failure = publishGateFailure(metrics, thresholds);
  if (failure === undefined) return;
  const { metric, value, threshold } = failure;
  const what =
    value === undefined
      ? `it has no ${metric} metric`
      : `${metric} ${value} is below the publish threshold ${threshold}`;
  invalid(`${label} cannot move to Production: ${what} (the gate needs ${metric} ≥ ${threshold})`, failure);
}
