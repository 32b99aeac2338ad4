/** @module ml/graph/network-builder.test — shape inference, parameters and input checks of the layer IR. */
import { describe, expect, it } from 'vitest';
import { NetworkBuilder } from './network-builder.ts';
import { trainableParameterCount } from './network.ts';

describe('NetworkBuilder', () => {
  it('infers shapes and lists parameters in declaration order', () => {
    const net = new NetworkBuilder('n', [3, 16, 16]);
    net.encoder = true;
    const a = net.relu(net.batchNorm('bn', net.conv('c', net.input, { channels: 8, bias: false })));
    const b = net.conv('down', a, { channels: 16, stride: 2 });
    net.encoder = false;
    const up = net.convTranspose('up', b, { channels: 8 });
    const network = net.build(net.conv('head', net.concat([up, a]), { channels: 2, kernel: 1 }));
    expect(b.shape).toEqual([16, 8, 8]);
    expect(up.shape).toEqual([8, 16, 16]);
    expect(network.outputShape).toEqual([2, 16, 16]);
    expect(network.parameters.map((p) => `${p.name}:${p.shape.join('x')}:${p.encoder}`)).toEqual([
      'c.weight:8x3x3x3:true',
      'bn.weight:8:true',
      'bn.bias:8:true',
      'bn.running_mean:8:true',
      'bn.running_var:8:true',
      'down.weight:16x8x3x3:true',
      'down.bias:16:true',
      'up.weight:16x8x2x2:false',
      'up.bias:8:false',
      'head.weight:2x16x1x1:false',
      'head.bias:2:false',
    ]);
    expect(network.parameters.filter((p) => !p.trainable).map((p) => p.kind)).toEqual(['bn-mean', 'bn-var']);
    // 216 + 8 + 8 + 1,152 + 16 + 512 + 8 + 32 + 2: every value but the 16 running statistics.
    expect(trainableParameterCount(network)).toBe(1954);
  });

  it('rejects bad layers with a message naming the input', () => {
    const net = new NetworkBuilder('n', [3, 6, 6]);
    const x = net.input;
    expect(() => net.conv('c', x, { channels: 4, kernel: 2 })).toThrow(/conv c kernel must be odd/);
    expect(() => net.conv('c', x, { channels: 4, stride: 2 })).not.toThrow();
    expect(() => net.conv('c', x, { channels: 4 })).toThrow(/layer name c is used twice/);
    expect(() => net.maxPool(net.maxPool(x))).toThrow(/needs even height and width, got 3×3/);
    expect(() => net.add(x, net.conv('d', x, { channels: 2 }))).toThrow(/shapes differ/);
    expect(() => net.concat([x])).toThrow(/at least two tensors/);
    expect(() => net.dropout(x, 1)).toThrow(/ratio must be in \[0, 1\)/);
    expect(() => net.normalize(x, { scale: 1, mean: [0], std: [1] })).toThrow(/needs 3 mean and std values/);
    expect(() => new NetworkBuilder('bad', [3, 0, 4])).toThrow(
      /input dimension 1 must be a positive integer/,
    );
    expect(() => new NetworkBuilder('empty', [3, 4, 4]).build({ id: 'input', shape: [3, 4, 4] })).toThrow(
      /has no layers/,
    );
  });
});
