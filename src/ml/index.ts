/**
 * @module ml — the training engine: the layer IR with ONNX emission and autodiff (graph/), the model declarations
 * (models/), the trainer's numeric parts, metrics and checkpoints, the training loop (trainer/) and its pictures
 * (report/).
 */
export * from './graph/index.ts';
export * from './models/index.ts';
export * from './train/index.ts';
export * from './metrics/index.ts';
export * from './checkpoint/index.ts';
export * from './infer/index.ts';
export * from './report/index.ts';
export * from './trainer/index.ts';
