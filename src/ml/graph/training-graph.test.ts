/**
 * @module ml/graph/training-graph.test — the training, eval and export graphs as wholes: frozen parameters, input
 * checks, dropout masks, eval-mode BatchNorm, and the export matching the eval graph.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/index.ts';
import { emitInferenceModel } from './inference-export.ts';
import { NetworkBuilder } from './network-builder.ts';
import type { Network } from './network.ts';
import { relativeError, seededRandom } from './test-support/gradient-check.ts';
import { referenceForward } from './test-support/reference-network.ts';
import { emitEvalGraph, emitTrainingGraph } from './training-graph.ts';
import { createTrainingSession } from './training-session.ts';

/** conv → BN → ReLU → pool → conv → BN → ReLU → up → concat skip → conv head: every parameterised kind. */
function smallUnet(classes: number): Network {
  const net = new NetworkBuilder('small-unet', [3, 8, 8]);
  net.encoder = true;
  const e1 = net.relu(net.batchNorm('e1.bn', net.conv('e1.conv', net.input, { channels: 4, bias: false })));
  const e2 = net.relu(
    net.batchNorm('e2.bn', net.conv('e2.conv', net.maxPool(e1), { channels: 8, bias: false })),
  );
  net.encoder = false;
  const up = net.convTranspose('up', e2, { channels: 4 });
  return net.build(net.conv('head', net.concat([up, e1]), { channels: classes, kernel: 1 }));
}

function randomValues(network: Network, seed: number): Map<string, Float32Array> {
  const rnd = seededRandom(seed);
  const values = new Map<string, Float32Array>();
  for (const p of network.parameters) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const base = p.kind === 'bn-var' || p.kind === 'bn-scale' ? 1 : 0;
    values.set(
      p.name,
      Float32Array.from({ length: size }, () => base + (rnd() - 0.5) * (p.kind === 'weight' ? 1 : 0.4)),
    );
  }
  return values;
}

function randomArray(length: number, seed: number): Float32Array {
  const rnd = seededRandom(seed);
  return Float32Array.from({ length }, () => rnd() * 2 - 1);
}

describe('emitTrainingGraph', () => {
  it('gives frozen parameters no gradient output and leaves the other gradients unchanged', async () => {
    const network = smallUnet(1);
    const frozen = new Set(network.parameters.filter((p) => p.encoder && p.trainable).map((p) => p.name));
    const full = emitTrainingGraph(network, { batchSize: 2, loss: { kind: 'bce' } });
    const partial = emitTrainingGraph(network, { batchSize: 2, loss: { kind: 'bce' }, frozen });
    expect([...partial.outputNames.gradients.keys()]).toEqual([
      'up.weight',
      'up.bias',
      'head.weight',
      'head.bias',
    ]);
    expect([...partial.outputNames.bnUpdates.keys()]).toEqual([...full.outputNames.bnUpdates.keys()]);
    const feeds = randomValues(network, 1);
    feeds.set('input', randomArray(2 * 3 * 64, 2));
    feeds.set(
      'target',
      randomArray(2 * 64, 3).map((v) => (v > 0 ? 1 : 0)),
    );
    const [a, b] = await Promise.all(
      [full, partial].map(async (g) => {
        const session = await createTrainingSession(g.model, { threads: 1 });
        const out = await session.run(feeds);
        await session.release();
        return out;
      }),
    );
    for (const name of partial.outputNames.gradients.keys())
      expect(relativeError(b?.get(`${name}.grad`) ?? [], a?.get(`${name}.grad`) ?? [])).toBeLessThan(1e-6);
  });

  it('rejects a loss that does not fit the classes, an unknown frozen name and a bad batch size', () => {
    const binary = smallUnet(1);
    const multi = smallUnet(4);
    const cases = [
      () => emitTrainingGraph(multi, { batchSize: 2, loss: { kind: 'bce' } }),
      () => emitTrainingGraph(binary, { batchSize: 2, loss: { kind: 'softmax-ce' } }),
      () => emitTrainingGraph(multi, { batchSize: 2, loss: { kind: 'softmax-ce', classWeights: [1, 2] } }),
      () => emitTrainingGraph(binary, { batchSize: 2, loss: { kind: 'bce', posWeight: -1 } }),
      () =>
        emitTrainingGraph(binary, { batchSize: 2, loss: { kind: 'bce' }, frozen: new Set(['nope.weight']) }),
      () => emitTrainingGraph(binary, { batchSize: 0, loss: { kind: 'bce' } }),
    ];
    for (const build of cases)
      expect(() => build()).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });

  it('drops values with the dropout ratio and routes gradients through the same mask', async () => {
    const net = new NetworkBuilder('drop', [1, 16, 16]);
    const network = net.build(net.dropout(net.input, 0.5, 42));
    const graph = emitTrainingGraph(network, { batchSize: 2, loss: { kind: 'bce' }, inputGradient: true });
    const session = await createTrainingSession(graph.model, { threads: 1 });
    const input = randomArray(512, 5).map((v) => v + Math.sign(v) * 0.1);
    const target = randomArray(512, 6).map((v) => (v > 0 ? 1 : 0));
    const out = await session.run({ input, target });
    await session.release();
    const p = out.get('predictions') as Float32Array;
    const dx = out.get('input.grad') as Float32Array;
    let dropped = 0;
    for (let i = 0; i < 512; i++) {
      const pi = p[i] as number;
      if (pi === 0.5) {
        dropped++;
        expect(Math.abs(dx[i] as number)).toBe(0);
      } else {
        expect(Math.log(pi / (1 - pi))).toBeCloseTo((input[i] as number) * 2, 4);
        expect(dx[i]).toBeCloseTo(((pi - (target[i] as number)) / 512) * 2, 7);
      }
    }
    expect(dropped / 512).toBeGreaterThan(0.4);
    expect(dropped / 512).toBeLessThan(0.6);
  });
});

describe('emitEvalGraph and emitInferenceModel', () => {
  it('runs BatchNorm on running statistics, for any batch size', async () => {
    const network = smallUnet(1);
    const params = randomValues(network, 7);
    const session = await createTrainingSession(emitEvalGraph(network).model, { threads: 1 });
    for (const batch of [1, 3]) {
      const input = randomArray(batch * 3 * 64, batch);
      const out = await session.run(new Map([...params, ['input', input]]));
      const reference = referenceForward(
        network,
        new Map([...params].map(([k, v]) => [k, Float64Array.from(v)])),
        { shape: [batch, 3, 8, 8], data: Float64Array.from(input) },
        false,
      );
      const probabilities = reference.logits.data.map((v) => 1 / (1 + Math.exp(-v)));
      expect(relativeError(out.get('predictions') as Float32Array, probabilities)).toBeLessThan(1e-5);
    }
    await session.release();
  });

  it('reports the validation loss when given a loss', async () => {
    const network = smallUnet(4);
    const graph = emitEvalGraph(network, { batchSize: 2, loss: { kind: 'softmax-ce' } });
    const session = await createTrainingSession(graph.model, { threads: 1 });
    const target = new Float32Array(2 * 4 * 64);
    for (let i = 0; i < 128; i++) target[(Math.floor(i / 64) * 4 + (i % 4)) * 64 + (i % 64)] = 1;
    const out = await session.run(
      new Map([...randomValues(network, 8), ['input', randomArray(384, 9)], ['target', target]]),
    );
    await session.release();
    const loss = out.get('loss')?.[0] ?? NaN;
    expect(loss).toBeGreaterThan(0);
    expect(Number.isFinite(loss)).toBe(true);
  });

  for (const fold of [true, false])
    it(`exports a model equal to the eval graph (BatchNorm ${fold ? 'folded' : 'in inference mode'})`, async () => {
      const network = smallUnet(4);
      const params = randomValues(network, 10);
      const input = randomArray(2 * 3 * 64, 11);
      const evalSession = await createTrainingSession(emitEvalGraph(network).model, { threads: 1 });
      const expected = (await evalSession.run(new Map([...params, ['input', input]]))).get('predictions');
      const exported = await createTrainingSession(
        emitInferenceModel(network, params, { foldBatchNorm: fold }),
        { threads: 1 },
      );
      expect(exported.inputNames).toEqual(['input']);
      expect(exported.outputNames).toEqual(['output']);
      const actual = (await exported.run({ input })).get('output') as Float32Array;
      await Promise.all([evalSession.release(), exported.release()]);
      let diff = 0;
      actual.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - (expected?.[i] ?? NaN)))));
      expect(diff).toBeLessThanOrEqual(1e-4);
    });

  it('refuses to export with a missing or mis-sized parameter', () => {
    const network = smallUnet(1);
    const params = randomValues(network, 12);
    params.delete('head.bias');
    expect(() => emitInferenceModel(network, params)).toThrow(/head\.bias has no value/);
    params.set('head.bias', new Float32Array(3));
    try {
      emitInferenceModel(network, params);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    }
  });
});
