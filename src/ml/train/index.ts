/**
 * @module ml/train — the numeric parts of training: seeded randomness, optimisers, learning-rate schedules, gradient
 * clipping, augmentation, spatial splits and class weights. Pure TypeScript over typed arrays.
 */
export * from './rng.ts';
export * from './optimizers.ts';
export * from './gradient-clipping.ts';
export * from './schedules.ts';
export * from './image-tensor.ts';
export * from './augment.ts';
export * from './split.ts';
export * from './class-weights.ts';
