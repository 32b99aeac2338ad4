/**
 * @module ml/graph/gradient-rules.test — finite-difference checks of every backward rule: the float32 gradients of
 * the emitted ONNX training graph (run in onnxruntime) against central differences of a float64 reference.
 */
import { describe, expect, it } from 'vitest';
import type { LossSpec } from './losses.ts';
import { NetworkBuilder } from './network-builder.ts';
import type { Network, TensorHandle } from './network.ts';
import { checkGradients } from './test-support/gradient-check.ts';
import type { GradientReport } from './test-support/gradient-check.ts';

const TOLERANCE = 1e-4;
const BCE: LossSpec = { kind: 'bce' };

function network(
  shape: [number, number, number],
  body: (net: NetworkBuilder, x: TensorHandle) => TensorHandle,
): Network {
  const net = new NetworkBuilder('check', shape);
  return net.build(body(net, net.input));
}

function expectClose(report: GradientReport, expectedGradients: readonly string[]): void {
  expect([...report.gradients.keys()].sort()).toEqual([...expectedGradients].sort());
  for (const [name, error] of report.gradients) expect(error, `gradient of ${name}`).toBeLessThan(TOLERANCE);
  for (const [name, error] of report.updates) expect(error, `update of ${name}`).toBeLessThan(TOLERANCE);
  expect(report.loss).toBeLessThan(TOLERANCE);
  expect(report.predictions).toBeLessThan(TOLERANCE);
}

describe('backward rules against float64 central differences', () => {
  it('conv 3×3 stride 1 with bias', async () => {
    const net = network([3, 6, 6], (n, x) => n.conv('c', x, { channels: 1, kernel: 3 }));
    const report = await checkGradients(net, BCE, { batch: 2, seed: 1, inputGradient: true });
    expectClose(report, ['c.weight', 'c.bias', 'input']);
  });

  it('conv 3×3 stride 2 with bias', async () => {
    const net = network([2, 8, 6], (n, x) => n.conv('c', x, { channels: 1, kernel: 3, stride: 2 }));
    const report = await checkGradients(net, BCE, { batch: 2, seed: 2, inputGradient: true });
    expectClose(report, ['c.weight', 'c.bias', 'input']);
  });

  it('conv 5×5 and 1×1 without bias', async () => {
    const net = network([2, 7, 7], (n, x) =>
      n.conv('c1', n.conv('c5', x, { channels: 3, kernel: 5, bias: false }), {
        channels: 1,
        kernel: 1,
        bias: false,
      }),
    );
    const report = await checkGradients(net, BCE, { batch: 2, seed: 3, inputGradient: true });
    expectClose(report, ['c5.weight', 'c1.weight', 'input']);
  });

  it('conv-transpose 2×2 stride 2 with bias', async () => {
    const net = network([3, 3, 4], (n, x) => n.convTranspose('up', x, { channels: 1, kernel: 2 }));
    const report = await checkGradients(net, BCE, { batch: 2, seed: 4, inputGradient: true });
    expectClose(report, ['up.weight', 'up.bias', 'input']);
  });

  it('relu', async () => {
    const net = network([1, 6, 6], (n, x) => n.relu(x));
    expectClose(await checkGradients(net, BCE, { batch: 2, seed: 5, inputGradient: true }), ['input']);
  });

  it('leaky relu', async () => {
    const net = network([1, 6, 6], (n, x) => n.leakyRelu(x, 0.2));
    expectClose(await checkGradients(net, BCE, { batch: 2, seed: 6, inputGradient: true }), ['input']);
  });

  it('max-pool 2×2', async () => {
    const net = network([1, 8, 6], (n, x) => n.maxPool(x));
    expectClose(await checkGradients(net, BCE, { batch: 2, seed: 7, inputGradient: true }), ['input']);
  });

  it('batch-norm in training mode, with running-stat updates', async () => {
    const net = network([2, 5, 4], (n, x) =>
      n.conv('head', n.batchNorm('bn', x, { momentum: 0.3 }), { channels: 1, kernel: 1, bias: false }),
    );
    const report = await checkGradients(net, BCE, { batch: 3, seed: 8, inputGradient: true });
    expectClose(report, ['bn.weight', 'bn.bias', 'head.weight', 'input']);
    expect([...report.updates.keys()].sort()).toEqual(['bn.running_mean', 'bn.running_var']);
  });

  it('add, including a tensor added to itself', async () => {
    const net = network([1, 4, 4], (n, x) => n.add(n.add(x, x), n.relu(x)));
    expectClose(await checkGradients(net, BCE, { batch: 2, seed: 9, inputGradient: true }), ['input']);
  });

  it('concat with a tensor consumed twice (skip connection)', async () => {
    const net = network([2, 4, 4], (n, x) => {
      const a = n.conv('a', x, { channels: 2, kernel: 3 });
      const merged = n.concat([n.relu(a), a, x]);
      return n.conv('head', merged, { channels: 1, kernel: 1 });
    });
    const report = await checkGradients(net, BCE, { batch: 2, seed: 10, inputGradient: true });
    expectClose(report, ['a.weight', 'a.bias', 'head.weight', 'head.bias', 'input']);
  });

  it('dropout with ratio 0 is the identity in both directions', async () => {
    const net = network([1, 4, 4], (n, x) => n.dropout(x, 0, 7));
    expectClose(await checkGradients(net, BCE, { batch: 2, seed: 11, inputGradient: true }), ['input']);
  });

  it('normalize', async () => {
    const net = network([3, 2, 2], (n, x) =>
      n.conv('head', n.normalize(x, { scale: 0.5, mean: [0.1, 0.2, 0.3], std: [0.5, 2, 4] }), {
        channels: 1,
        kernel: 1,
      }),
    );
    const report = await checkGradients(net, BCE, { batch: 2, seed: 12, inputGradient: true });
    expectClose(report, ['head.weight', 'head.bias', 'input']);
  });
});

describe('loss heads against float64 central differences', () => {
  const binary = network([1, 4, 4], (n, x) => n.conv('head', x, { channels: 1, kernel: 3 }));
  const multi = network([2, 4, 4], (n, x) => n.conv('head', x, { channels: 4, kernel: 3 }));
  const cases: [string, Network, LossSpec][] = [
    ['bce', binary, { kind: 'bce' }],
    ['weighted bce', binary, { kind: 'bce', posWeight: 3.5 }],
    ['soft dice', binary, { kind: 'dice' }],
    ['bce + dice', binary, { kind: 'bce-dice', posWeight: 2, diceWeight: 0.7 }],
    ['softmax cross-entropy', multi, { kind: 'softmax-ce' }],
    [
      'class-weighted softmax cross-entropy',
      multi,
      { kind: 'softmax-ce', classWeights: [1, 1.19, 2.91, 7.28] },
    ],
    ['softmax cross-entropy + soft Dice', multi, { kind: 'softmax-ce', diceWeight: 0.8 }],
    [
      'class-weighted softmax cross-entropy + soft Dice',
      multi,
      { kind: 'softmax-ce', classWeights: [1, 1.19, 2.91, 7.28], diceWeight: 1 },
    ],
  ];
  for (const [label, net, loss] of cases)
    it(label, async () => {
      const report = await checkGradients(net, loss, {
        batch: 2,
        seed: 20 + label.length,
        inputScale: 2,
        inputGradient: true,
      });
      expectClose(report, ['head.weight', 'head.bias', 'input']);
    });
});
