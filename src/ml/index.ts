/**
 * @module ml — the training engine: the layer IR with ONNX emission and autodiff (graph/), the model declarations
 * (models/), and the trainer's numeric parts, metrics and checkpoints.
 */
export * from './graph/index.ts';
export * from './models/index.ts';
export * from './train/index.ts';
export * from './metrics/index.ts';
export * from './checkpoint/index.ts';
export * from './infer/index.ts';
