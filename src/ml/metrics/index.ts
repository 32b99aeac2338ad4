/**
 * @module ml/metrics — evaluation of building segmentation: pixel precision/recall/IoU of the building class and
 * object precision/recall/F1 at IoU ≥ 0.5 with one-to-one matching of polygons traced from instances (connected
 * components or multi-class seeds). The instance and matching primitives live in polygons/ and are re-exported here
 * for the trainer.
 */
export * from './pixel-metrics.ts';
export * from './instance-matching.ts';
export * from './segmentation-evaluator.ts';
export {
  MULTICLASS,
  instanceAreas,
  instancesFromBinary,
  instancesFromMulticlass,
  labelComponents,
  matchInstances,
  positiveTable,
  rasterSize,
  safeRatio,
  type Connectivity,
  type LabelImage,
  type MatchResult,
  type MulticlassInstanceOptions,
  type OverlapPair,
  type PositiveClasses,
  type RasterSize,
} from '../../polygons/index.ts';
