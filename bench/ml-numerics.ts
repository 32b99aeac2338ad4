/**
 * @module bench/ml-numerics — speed of the trainer's TypeScript numerics: optimiser steps over ~2M parameters,
 * gradient clipping, augmentation, connected components, object metrics and checkpoint I/O. Targets (issue 3): an
 * optimiser step and clipping each well under 10% of a 500 ms training step (≤ 50 ms); validation metrics of a
 * 256 px chip ≤ 5 ms; a checkpoint of 2M parameters written and read back ≤ 500 ms.
 *
 * Usage: npm run bench:ml-numerics -- [--params 2000000] [--repeats 10]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  augmentSample,
  clipGradientsByNorm,
  createAdam,
  createRng,
  createSegmentationEvaluator,
  createSgd,
  labelComponents,
  readCheckpoint,
  writeCheckpoint,
} from '../src/ml/index.ts';

const { values: args } = parseArgs({
  options: { params: { type: 'string', default: '2000000' }, repeats: { type: 'string', default: '10' } },
});
const total = Number(args.params);
const repeats = Number(args.repeats);
const rng = createRng(1);

/** Median wall time of `fn` in ms over `repeats` runs after one warm-up run. */
async function median(fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** Parameters split into conv-sized tensors, like a U-Net's. */
function tensors(): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let left = total;
  for (let i = 0; left > 0; i++) {
    const n = Math.min(left, 147_456);
    out.set(
      `layer${i}.weight`,
      Float32Array.from({ length: n }, () => rng.normal() * 0.01),
    );
    left -= n;
  }
  return out;
}

/** A 256 px class map of random rectangles, some touching. */
function blobs(size: number, count: number): Uint8Array {
  const mask = new Uint8Array(size * size);
  for (let k = 0; k < count; k++) {
    const x0 = rng.int(size - 20);
    const y0 = rng.int(size - 20);
    const w = 5 + rng.int(15);
    const h = 5 + rng.int(15);
    for (let y = y0; y < y0 + h; y++) mask.fill(1 + rng.int(3), y * size + x0, y * size + x0 + w);
  }
  return mask;
}

const params = tensors();
const grads = tensors();
const results: Record<string, number> = {};
const adam = createAdam({ weightDecay: 1e-4, decoupled: true });
results['adamw_step_ms'] = await median(() => adam.step(params, grads, 1e-4));
const sgd = createSgd({ momentum: 0.9, nesterov: true });
results['sgd_nesterov_step_ms'] = await median(() => sgd.step(params, grads, 1e-4));
results['clip_ms'] = await median(() => clipGradientsByNorm(grads, 1e9));

const image = Float32Array.from({ length: 3 * 256 * 256 }, () => rng.next());
const mask = blobs(256, 60);
results['augment_256_ms'] = await median(() =>
  augmentSample(image, mask, 256, rng, { flips: true, rotations: true, brightness: 0.2, contrast: 0.2 }),
);
const big = blobs(512, 240);
results['label_components_512_ms'] = await median(() => labelComponents(big, 512));
const pred = blobs(256, 60);
const binary = createSegmentationEvaluator({ size: 256 });
results['evaluate_binary_256_ms'] = await median(() => binary.add(pred, mask));
const multi = createSegmentationEvaluator({ size: 256, mode: 'multiclass' });
results['evaluate_multiclass_256_ms'] = await median(() => multi.add(pred, mask));

const dir = await mkdtemp(join(tmpdir(), 'fair-bench-'));
const path = join(dir, 'bench.safetensors');
const architecture = {
  name: 'bench',
  classes: 4,
  inputSize: 256,
  normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
};
const checkpointTensors = new Map([...params].map(([k, v]) => [k, { data: v, shape: [v.length] }]));
results['checkpoint_write_ms'] = await median(() =>
  writeCheckpoint(path, { tensors: checkpointTensors, metadata: { architecture }, optimizer: adam.state() }),
);
results['checkpoint_read_ms'] = await median(() => readCheckpoint(path));
await rm(dir, { recursive: true, force: true });

console.log(JSON.stringify({ params: total, repeats, ...results }, null, 2));
