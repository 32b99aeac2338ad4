/**
 * @module ml/metrics — evaluation of building segmentation: pixel precision/recall/IoU of the building class and
 * object precision/recall/F1 at IoU ≥ 0.5 with one-to-one matching; instances from connected components or from
 * multi-class seeds.
 */
export * from './pixel-metrics.ts';
export * from './connected-components.ts';
export * from './instance-matching.ts';
export * from './multiclass-instances.ts';
export * from './segmentation-evaluator.ts';
