/** @module ml/train/gradient-clipping — global-norm gradient clipping and a finite check for every training step. */
import { invalid } from '../../shared/index.ts';

/**
 * The global L2 norm of all gradients together, accumulated in double precision.
 * @param grads - parameter name → gradient
 * @returns the norm; `NaN` or `Infinity` when any gradient value is not finite
 */
export function gradientNorm(grads: Map<string, Float32Array>): number {
  let sum = 0;
  for (const g of grads.values()) {
    const n = g.length;
    for (let i = 0; i < n; i++) {
      const v = g[i] as number;
      sum += v * v;
    }
  }
  return Math.sqrt(sum);
}

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm` (PyTorch's `clip_grad_norm_`).
 * When the norm is not finite the gradients are left as they are and the non-finite norm is returned: the caller
 * should skip that step (check with `Number.isFinite`).
 * @param grads - parameter name → gradient (scaled in place)
 * @param maxNorm - the largest allowed global norm, > 0
 * @returns the global norm before clipping (`NaN`/`Infinity` reports a non-finite gradient)
 * @throws AppError INVALID_PARAMETER_VALUE when `maxNorm` is not a positive finite number
 */
export function clipGradientsByNorm(grads: Map<string, Float32Array>, maxNorm: number): number {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0))
    invalid(`gradient maxNorm ${maxNorm} must be a positive number`);
  const norm = gradientNorm(grads);
  if (!Number.isFinite(norm) || norm <= maxNorm) return norm;
  const scale = maxNorm / (norm + 1e-6);
  for (const g of grads.values()) {
    const n = g.length;
    for (let i = 0; i < n; i++) g[i] = (g[i] as number) * scale;
  }
  return norm;
}
