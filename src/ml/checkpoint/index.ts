/**
 * @module ml/checkpoint — the versioned, self-describing fAIr checkpoint (safetensors layout): writing, reading with
 * clear errors for corrupt files, and compatibility checks against a model's parameters.
 */
export * from './safetensors.ts';
export * from './checkpoint.ts';
export * from './checkpoint-file.ts';
export * from './compatibility.ts';
