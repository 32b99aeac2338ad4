/**
 * @module ml/models/model-graphs.test — the unet-s graphs end to end at a tiny size: the training graph runs,
 * Adam on its gradients lowers the loss, the encoder can be frozen, and the export equals the eval graph.
 */
import { describe, expect, it } from 'vitest';
import { createTrainingSession } from '../graph/index.ts';
import type { TrainingSession } from '../graph/index.ts';
import { declareModel } from './model-declaration.ts';
import { buildEvalGraph, buildTrainingGraph, exportInferenceModel } from './model-graphs.ts';

const SIZE = 32;
const BATCH = 2;

/** Synthetic chips: a bright square (the "building") on a darker, noisy background, and its mask. */
function syntheticBatch(seed: number): { input: Float32Array; target: Float32Array } {
  const input = new Float32Array(BATCH * 3 * SIZE * SIZE);
  const target = new Float32Array(BATCH * SIZE * SIZE);
  for (let b = 0; b < BATCH; b++) {
    const x0 = 4 + ((seed * 7 + b * 11) % 14);
    const y0 = 3 + ((seed * 5 + b * 13) % 15);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) {
        const inside = x >= x0 && x < x0 + 10 && y >= y0 && y < y0 + 10 ? 1 : 0;
        target[b * SIZE * SIZE + y * SIZE + x] = inside;
        for (let c = 0; c < 3; c++) {
          const noise = Math.sin((x + 1) * (y + 3) * (c + 1) + seed) * 0.3;
          input[((b * 3 + c) * SIZE + y) * SIZE + x] = inside ? 1.2 + noise : -0.8 + noise;
        }
      }
  }
  return { input, target };
}

/** Minimal Adam (β 0.9/0.999, ε 1e-8) in place. */
function createAdam(lr: number) {
  const moments = new Map<string, [Float32Array, Float32Array]>();
  let t = 0;
  return (params: Map<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>) => {
    t++;
    for (const [name, g] of grads) {
      const p = params.get(name) as Float32Array;
      const [m, v] = moments.get(name) ?? [new Float32Array(p.length), new Float32Array(p.length)];
      moments.set(name, [m, v]);
      for (let i = 0; i < p.length; i++) {
        m[i] = 0.9 * (m[i] as number) + 0.1 * (g[i] as number);
        v[i] = 0.999 * (v[i] as number) + 0.001 * (g[i] as number) ** 2;
        p[i] = (p[i] as number) - (lr * ((m[i] as number) / (1 - 0.9 ** t))) / (Math.sqrt((v[i] as number) / (1 - 0.999 ** t)) + 1e-8);
      }
    }
  };
}

async function trainSteps(steps: number): Promise<{ losses: number[]; params: Map<string, Float32Array> }> {
  const decl = declareModel('unet-s', { classes: 1, inputSize: SIZE });
  const graph = buildTrainingGraph(decl, { batchSize: BATCH, loss: { kind: 'bce-dice' } });
  const session: TrainingSession = await createTrainingSession(graph.model, { threads: 2 });
  const params = decl.initParameters(3);
  const adam = createAdam(0.01);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { input, target } = syntheticBatch(step % 2);
    const out = await session.run(new Map([...params, ['input', input], ['target', target]]));
    losses.push(out.get(graph.outputNames.loss)?.[0] ?? NaN);
    const grads = new Map([...graph.outputNames.gradients].map(([name, o]) => [name, out.get(o) as Float32Array]));
    if (step === steps - 1) for (const g of grads.values()) expect(g.every(Number.isFinite)).toBe(true);
    adam(params, grads);
    for (const [name, o] of graph.outputNames.bnUpdates) params.set(name, out.get(o) as Float32Array);
  }
  await session.release();
  return { losses, params };
}

describe('unet-s graphs at 32 px', () => {
  it('trains: every gradient is finite and the loss falls over a few Adam steps', async () => {
    const { losses } = await trainSteps(16);
    const first = ((losses[0] as number) + (losses[1] as number)) / 2;
    const last = ((losses[14] as number) + (losses[15] as number)) / 2;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(last).toBeLessThan(0.6 * first);
  });

  it('exports an inference model equal to the eval-mode forward of the training graph', async () => {
    const decl = declareModel('unet-s', { classes: 1, inputSize: SIZE });
    const { params } = await trainSteps(3);
    const { input } = syntheticBatch(5);
    const evalSession = await createTrainingSession(buildEvalGraph(decl).model, { threads: 2 });
    const expected = (await evalSession.run(new Map([...params, ['input', input]]))).get('predictions') as Float32Array;
    const exported = await createTrainingSession(exportInferenceModel(decl, params), { threads: 2 });
    const actual = (await exported.run({ input })).get('output') as Float32Array;
    await Promise.all([evalSession.release(), exported.release()]);
    let diff = 0;
    actual.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - (expected[i] as number)))));
    expect(actual.length).toBe(BATCH * SIZE * SIZE);
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it('freezes the encoder: no encoder gradients, decoder gradients still there', () => {
    const decl = declareModel('unet-s', { classes: 4, inputSize: SIZE });
    const graph = buildTrainingGraph(decl, { batchSize: 1, loss: { kind: 'softmax-ce' }, frozen: decl.encoderParameters() });
    const names = [...graph.outputNames.gradients.keys()];
    expect(names.some((n) => n.startsWith('enc'))).toBe(false);
    expect(names).toContain('dec3.conv1.weight');
    expect(names).toContain('head.bias');
    expect(graph.outputNames.bnUpdates.size).toBe(28);
  });
});
