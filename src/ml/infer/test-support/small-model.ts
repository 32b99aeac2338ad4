/**
 * @module ml/infer/test-support/small-model — small declared models with seeded, non-trivial parameters for the
 * inference tests: BatchNorm statistics and affine terms are perturbed so that folding them is really exercised.
 */
import { declareModel } from '../../models/index.ts';
import type { ModelDeclaration } from '../../models/index.ts';

/** A seeded generator in [0, 1) (mulberry32). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A unet-s with seeded He weights and random BatchNorm running statistics, scales and shifts.
 * @param classes - 1 (sigmoid) or 4 (softmax)
 * @param inputSize - multiple of 8
 * @param seed - any integer
 */
export function smallModel(
  classes: number,
  inputSize: number,
  seed: number,
): { decl: ModelDeclaration; params: Map<string, Float32Array> } {
  const decl = declareModel('unet-s', { classes, inputSize });
  const params = decl.initParameters(seed);
  const next = seededUniform(seed + 1);
  for (const p of decl.parameters()) {
    const values = params.get(p.name) as Float32Array;
    if (p.kind === 'bn-mean' || p.kind === 'bn-bias' || p.kind === 'bias')
      for (let i = 0; i < values.length; i++) values[i] = (next() - 0.5) * 0.4;
    if (p.kind === 'bn-var' || p.kind === 'bn-scale')
      for (let i = 0; i < values.length; i++) values[i] = 0.5 + next();
  }
  return { decl, params };
}

/**
 * Random normalised RGB chips, `n × 3 × size × size`, roughly what ImageNet normalisation of real pixels gives.
 * @param n - chips
 * @param size - width and height
 * @param seed - any integer
 */
export function randomBatch(n: number, size: number, seed: number): Float32Array {
  const next = seededUniform(seed);
  return Float32Array.from({ length: n * 3 * size * size }, () => (next() - 0.5) * 4);
}
