/** @module ml/graph/onnx-proto.test — the hand-written protobuf writer produces models onnxruntime loads and runs. */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, OnnxDataType } from './onnx-proto.ts';

describe('encodeOnnxModel', () => {
  it('writes int, float, ints (negative too) and tensor attributes, initializers and symbolic dimensions', async () => {
    const model = encodeOnnxModel({
      irVersion: 8,
      opsetVersion: 17,
      producerName: 'test',
      graphName: 'g',
      nodes: [
        // Reverse the last axis: negative starts, ends and steps exercise 10-byte varints.
        {
          opType: 'Slice',
          inputs: ['x', 'starts', 'ends', 'axes', 'steps'],
          outputs: ['r'],
          name: 's',
          attributes: [],
        },
        {
          opType: 'LeakyRelu',
          inputs: ['r'],
          outputs: ['l'],
          name: 'l',
          attributes: [{ name: 'alpha', kind: 'float', value: 0.25 }],
        },
        { opType: 'Add', inputs: ['l', 'bias'], outputs: ['a'], name: 'a', attributes: [] },
        {
          opType: 'Constant',
          inputs: [],
          outputs: ['c'],
          name: 'c',
          attributes: [
            {
              name: 'value',
              kind: 'tensor',
              value: { name: 'cv', dims: [], dataType: OnnxDataType.FLOAT, data: Float32Array.of(10) },
            },
          ],
        },
        { opType: 'Mul', inputs: ['a', 'c'], outputs: ['y'], name: 'm', attributes: [] },
        {
          opType: 'Transpose',
          inputs: ['y'],
          outputs: ['t'],
          name: 't',
          attributes: [{ name: 'perm', kind: 'ints', value: [1, 0] }],
        },
        {
          opType: 'Softmax',
          inputs: ['t'],
          outputs: ['z'],
          name: 'z',
          attributes: [{ name: 'axis', kind: 'int', value: -1 }],
        },
      ],
      inputs: [{ name: 'x', dataType: OnnxDataType.FLOAT, shape: ['N', 3] }],
      outputs: [
        { name: 't', dataType: OnnxDataType.FLOAT, shape: [3, 'N'] },
        { name: 'z', dataType: OnnxDataType.FLOAT, shape: [3, 'N'] },
      ],
      initializers: [
        { name: 'starts', dims: [1], dataType: OnnxDataType.INT64, data: BigInt64Array.of(-1n) },
        { name: 'ends', dims: [1], dataType: OnnxDataType.INT64, data: BigInt64Array.of(-4n) },
        { name: 'axes', dims: [1], dataType: OnnxDataType.INT64, data: BigInt64Array.of(1n) },
        { name: 'steps', dims: [1], dataType: OnnxDataType.INT64, data: BigInt64Array.of(-1n) },
        { name: 'bias', dims: [3], dataType: OnnxDataType.FLOAT, data: Float32Array.of(1, 2, 3) },
      ],
      metadata: { purpose: 'test' },
    });
    const session = await ort.InferenceSession.create(model);
    const x = new ort.Tensor('float32', Float32Array.of(1, -2, 3, -4, 5, -6), [2, 3]);
    const out = await session.run({ x });
    // reversed rows: [3, -2, 1] and [-6, 5, -4]; leaky: [3, -0.5, 1], [-1.5, 5, -1]; + bias, × 10, transposed.
    expect(Array.from(out['t']?.data as Float32Array)).toEqual([40, -5, 15, 70, 40, 20]);
    expect(out['z']?.dims).toEqual([3, 2]);
    await session.release();
  });
});
