/**
 * @module ml/graph/dense-conv.test — the blocked-layout (NCHWc) convolutions give the same training graph outputs
 * as the standard operators, on CPUs whose onnxruntime has them.
 */
import { describe, expect, it } from 'vitest';
import { NetworkBuilder } from './network-builder.ts';
import { relativeError, seededRandom } from './test-support/gradient-check.ts';
import { emitTrainingGraph } from './training-graph.ts';
import { createTrainingSession, detectNchwcBlockSize } from './training-session.ts';

const block = await detectNchwcBlockSize();

describe('blocked-layout convolutions', () => {
  it('reports a block size onnxruntime supports, or 0', () => {
    expect([0, 4, 8, 16]).toContain(block);
  });

  it.skipIf(block === 0)(
    'match the standard operators in loss, predictions, gradients and statistics',
    async () => {
      const net = new NetworkBuilder('blocked', [3, 8, 8]);
      const a = net.relu(net.batchNorm('bn', net.conv('first', net.input, { channels: 16, bias: false })));
      const b = net.conv('second', a, { channels: 16 });
      const down = net.conv('down', b, { channels: 16, stride: 2 });
      const network = net.build(
        net.conv('head', net.convTranspose('up', down, { channels: 16 }), { channels: 1, kernel: 3 }),
      );
      const rnd = seededRandom(3);
      const feeds = new Map<string, Float32Array>();
      for (const p of network.parameters) {
        const size = p.shape.reduce((x, y) => x * y, 1);
        feeds.set(
          p.name,
          Float32Array.from({ length: size }, () => (p.kind === 'bn-var' ? 1 : 0) + (rnd() - 0.5) * 0.5),
        );
      }
      feeds.set(
        'input',
        Float32Array.from({ length: 2 * 3 * 64 }, () => rnd() * 2 - 1),
      );
      feeds.set(
        'target',
        Float32Array.from({ length: 2 * 64 }, () => (rnd() < 0.5 ? 1 : 0)),
      );
      const run = async (nchwcBlock: number) => {
        const graph = emitTrainingGraph(network, {
          batchSize: 2,
          loss: { kind: 'bce' },
          nchwcBlock,
          inputGradient: true,
        });
        expect(Buffer.from(graph.model).includes('ReorderInput')).toBe(nchwcBlock > 0);
        const session = await createTrainingSession(graph.model, { threads: 1 });
        const out = await session.run(feeds);
        await session.release();
        return out;
      };
      const standard = await run(0);
      const blocked = await run(block);
      expect([...blocked.keys()].sort()).toEqual([...standard.keys()].sort());
      for (const [name, value] of standard)
        expect(relativeError(blocked.get(name) as Float32Array, value), name).toBeLessThan(1e-5);
    },
  );
});
