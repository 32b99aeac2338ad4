/**
 * @module ml/infer/symmetry-averaging — test-time augmentation: a session that runs each image also flipped (and
 * transposed) and averages the probabilities mapped back, so a prediction does not depend on which way the imagery
 * happens to face. It costs one model run per symmetry.
 */
import { invalid } from '../../shared/index.ts';
import type { InferenceSession } from './inference-session.ts';

/** How many of the square's symmetries a prediction averages: 1 (none), 2 (+ left-right flip), 4 (all flips), 8
 * (flips and transposes: the whole dihedral group the trainer augments with). */
export type SymmetryCount = 1 | 2 | 4 | 8;

/** Every accepted {@link SymmetryCount}. */
const SYMMETRY_COUNTS: readonly SymmetryCount[] = [1, 2, 4, 8];

/**
 * Where each pixel of a transformed S×S plane comes from: `transformed[i] = plane[map[i]]`. Symmetry k flips
 * left-right when bit 1 is set, top-bottom when bit 2 is set, and transposes first when bit 4 is set. A gather with
 * the map applies the symmetry; a scatter with it undoes it.
 */
export function symmetrySourceIndex(k: number, size: number): Int32Array {
  const map = new Int32Array(size * size);
  const last = size - 1;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const fx = k & 1 ? last - x : x;
      const fy = k & 2 ? last - y : y;
      map[y * size + x] = k & 4 ? fx * size + fy : fy * size + fx;
    }
  return map;
}

/**
 * Checks a symmetry count.
 * @throws AppError INVALID_PARAMETER_VALUE unless it is 1, 2, 4 or 8
 */
export function checkSymmetryCount(value: number): SymmetryCount {
  if (!SYMMETRY_COUNTS.includes(value as SymmetryCount))
    invalid(`test-time augmentation must be 1, 2, 4 or 8 symmetries, got ${value}`);
  return value as SymmetryCount;
}

/**
 * Wraps a session so that each run averages the probabilities of `count` symmetric copies of the batch (the
 * identity first). All copies are queued at once, so a pooled session spreads them over its workers.
 * @param session - a square-input session
 * @param count - symmetries to average; 1 returns the session itself
 * @returns a session with the same shapes whose `run` costs `count` model runs
 * @throws AppError INVALID_PARAMETER_VALUE for a count other than 1, 2, 4 or 8
 * @example
 * const session = symmetryAveraged(await createInferenceSession(path), 4);
 */
export function symmetryAveraged(session: InferenceSession, count: number): InferenceSession {
  const symmetries = checkSymmetryCount(count);
  if (symmetries === 1) return session;
  const { inputSize: size, channels, classes } = session;
  const plane = size * size;
  const maps = Array.from({ length: symmetries }, (_, k) => symmetrySourceIndex(k, size));
  const run = async (batch: Float32Array, n: number): Promise<Float32Array> => {
    if (!Number.isSafeInteger(n) || n < 1 || batch.length !== n * channels * plane)
      return session.run(batch, n); // the session names the problem
    // Every copy is made before the first run: a worker session may take over (transfer) the batch's buffer.
    const inputs = maps.map((map, k) => {
      if (k === 0) return batch;
      const copy = new Float32Array(batch.length);
      for (let p = 0; p < n * channels; p++) {
        const from = batch.subarray(p * plane, (p + 1) * plane);
        const to = copy.subarray(p * plane, (p + 1) * plane);
        for (let i = 0; i < plane; i++) to[i] = from[map[i] ?? 0] ?? 0;
      }
      return copy;
    });
    const outputs = await Promise.all(inputs.map((input) => session.run(input, n)));
    const mean = new Float32Array(n * classes * plane);
    outputs.forEach((out, k) => {
      const map = maps[k] as Int32Array;
      for (let p = 0; p < n * classes; p++) {
        const from = out.subarray(p * plane, (p + 1) * plane);
        const to = mean.subarray(p * plane, (p + 1) * plane);
        for (let i = 0; i < plane; i++) {
          const j = map[i] ?? 0;
          to[j] = (to[j] ?? 0) + (from[i] ?? 0);
        }
      }
    });
    const scale = 1 / symmetries;
    for (let i = 0; i < mean.length; i++) mean[i] = (mean[i] ?? 0) * scale;
    return mean;
  };
  return {
    backend: session.backend,
    inputSize: size,
    channels,
    classes,
    info: session.info,
    ...(session.concurrency === undefined ? {} : { concurrency: session.concurrency }),
    run,
    release: () => session.release(),
  };
}
