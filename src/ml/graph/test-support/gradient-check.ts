/**
 * @module ml/graph/test-support/gradient-check — runs a network's training graph in onnxruntime (float32) and
 * compares every gradient, the loss, the predictions and the running-stat updates with the float64 reference and
 * its central differences (tests only).
 */
import { createTrainingSession } from '../training-session.ts';
import { emitTrainingGraph } from '../training-graph.ts';
import type { LossSpec } from '../losses.ts';
import { sizeOf } from '../network.ts';
import type { Network } from '../network.ts';
import { numericGradient, referenceForward, referenceLoss } from './reference-network.ts';

/** A seeded uniform generator in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Largest |a − b| divided by the largest |b| (at least `floor`). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

function randomParameter(kind: string, size: number, fanIn: number, rnd: () => number): Float32Array {
  const u = () => rnd() * 2 - 1;
  switch (kind) {
    case 'bn-scale':
      return Float32Array.from({ length: size }, () => 1 + 0.5 * u());
    case 'bn-var':
      return Float32Array.from({ length: size }, () => 0.5 + rnd());
    case 'weight':
      return Float32Array.from({ length: size }, () => u() * Math.sqrt(3 / fanIn));
    default:
      return Float32Array.from({ length: size }, () => 0.3 * u());
  }
}

/** Random targets: 0/1 for one channel, one-hot over channels otherwise, with about one pixel in C + 1 unlabelled
 * (all zero), which the multi-class losses must ignore. */
function randomTarget(shape: readonly number[], rnd: () => number): Float32Array {
  const [n = 0, c = 0, h = 0, w = 0] = shape;
  const t = new Float32Array(n * c * h * w);
  if (c === 1) return t.map(() => (rnd() < 0.4 ? 1 : 0));
  for (let b = 0; b < n; b++)
    for (let p = 0; p < h * w; p++) {
      const label = Math.floor(rnd() * (c + 1));
      if (label < c) t[(b * c + label) * h * w + p] = 1;
    }
  return t;
}

/** Relative error of each compared quantity. */
export type GradientReport = {
  readonly loss: number;
  readonly predictions: number;
  readonly gradients: ReadonlyMap<string, number>;
  readonly updates: ReadonlyMap<string, number>;
};

/**
 * Checks the training graph of `network` against the float64 reference at a random point.
 * @param options - batch size, seed, input scale (default 1), whether to check d loss / d input (default false)
 */
export async function checkGradients(
  network: Network,
  loss: LossSpec,
  options: { batch: number; seed: number; inputScale?: number; inputGradient?: boolean },
): Promise<GradientReport> {
  const rnd = seededRandom(options.seed);
  const graph = emitTrainingGraph(network, {
    batchSize: options.batch,
    loss,
    inputGradient: options.inputGradient ?? false,
  });
  const feeds = new Map<string, Float32Array>();
  for (const p of network.parameters)
    feeds.set(p.name, randomParameter(p.kind, sizeOf(p.shape), p.fanIn, rnd));
  const inputShape = [options.batch, ...network.inputShape];
  const targetShape = [options.batch, ...network.outputShape];
  feeds.set(
    'input',
    Float32Array.from({ length: sizeOf(inputShape) }, () => (rnd() * 2 - 1) * (options.inputScale ?? 1)),
  );
  feeds.set('target', randomTarget(targetShape, rnd));

  const session = await createTrainingSession(graph.model, { threads: 1 });
  const out = await session.run(feeds);
  await session.release();

  const params64 = new Map([...feeds].map(([k, v]) => [k, Float64Array.from(v)] as const));
  const input64 = params64.get('input') as Float64Array;
  const target64 = params64.get('target') as Float64Array;
  const evaluate = () => referenceForward(network, params64, { shape: inputShape, data: input64 }, true);
  const lossAt = () => referenceLoss(loss, evaluate().logits, target64);
  const reference = evaluate();
  const probabilities = reference.logits.data.map((v, i, all) => {
    if (network.outputShape[0] === 1) return 1 / (1 + Math.exp(-v));
    const [, c = 0, h = 0, w = 0] = targetShape;
    const pix = i % (h * w);
    const base = Math.floor(i / (c * h * w)) * c * h * w + pix;
    const logits = Array.from({ length: c }, (_, ch) => all[base + ch * h * w] as number);
    const max = Math.max(...logits);
    return Math.exp(v - max) / logits.reduce((s, l) => s + Math.exp(l - max), 0);
  });

  const gradients = new Map<string, number>();
  for (const [name, output] of graph.outputNames.gradients)
    gradients.set(
      name,
      relativeError(
        out.get(output) as Float32Array,
        numericGradient(lossAt, params64.get(name) as Float64Array),
      ),
    );
  if (graph.outputNames.inputGradient !== undefined)
    gradients.set(
      'input',
      relativeError(
        out.get(graph.outputNames.inputGradient) as Float32Array,
        numericGradient(lossAt, input64),
      ),
    );
  const updates = new Map<string, number>();
  for (const [name, output] of graph.outputNames.bnUpdates)
    updates.set(name, relativeError(out.get(output) as Float32Array, reference.updates.get(name) ?? []));
  return {
    loss: relativeError([out.get('loss')?.[0] ?? NaN], [referenceLoss(loss, reference.logits, target64)]),
    predictions: relativeError(out.get('predictions') as Float32Array, probabilities),
    gradients,
    updates,
  };
}
