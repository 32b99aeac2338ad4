import { describe, expect, it } from 'vitest';
import { checkCompatible, compareParameters } from './compatibility.ts';
import type { CheckpointArchitecture } from './checkpoint.ts';
import type { CheckpointTensor } from './safetensors.ts';

const architecture: CheckpointArchitecture = {
  name: 'unet-s',
  classes: 4,
  inputSize: 256,
  normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
};
const tensor = (...shape: number[]): CheckpointTensor => ({
  data: new Float32Array(shape.reduce((a, b) => a * b, 1)),
  shape,
});
const checkpoint = {
  metadata: { architecture },
  tensors: new Map([
    ['enc.weight', tensor(16, 3, 3, 3)],
    ['enc.bias', tensor(16)],
    ['head.weight', tensor(4, 16, 1, 1)],
  ]),
};
const expected = [
  { name: 'enc.weight', shape: [16, 3, 3, 3] },
  { name: 'enc.bias', shape: [16] },
  { name: 'head.weight', shape: [4, 16, 1, 1] },
];

describe('checkCompatible', () => {
  it('accepts a checkpoint that fits exactly', () => {
    expect(() =>
      checkCompatible(checkpoint, expected, { architecture: { name: 'unet-s', classes: 4 } }),
    ).not.toThrow();
  });

  it('names the first mismatched tensor with expected and found shapes', () => {
    const twoClasses = [...expected.slice(0, 2), { name: 'head.weight', shape: [2, 16, 1, 1] }];
    expect(() => checkCompatible(checkpoint, twoClasses)).toThrow(
      'checkpoint parameter head.weight has shape [4, 16, 1, 1], expected [2, 16, 1, 1]',
    );
  });

  it('names the first missing tensor', () => {
    expect(() => checkCompatible(checkpoint, [{ name: 'dec.weight', shape: [1] }, ...expected])).toThrow(
      /lacks parameter dec.weight/,
    );
  });

  it('refuses unexpected tensors unless allowed', () => {
    expect(() => checkCompatible(checkpoint, expected.slice(0, 2))).toThrow(
      /tensor head.weight that the model does not have/,
    );
    expect(() => checkCompatible(checkpoint, expected.slice(0, 2), { allowUnexpected: true })).not.toThrow();
  });

  it('refuses another architecture', () => {
    expect(() => checkCompatible(checkpoint, expected, { architecture: { name: 'unet-m' } })).toThrow(
      'checkpoint architecture name is "unet-s", expected "unet-m"',
    );
  });
});

describe('compareParameters', () => {
  it('lists missing, mismatched and unexpected names for partial loading', () => {
    const result = compareParameters(checkpoint.tensors, [
      { name: 'enc.weight', shape: [16, 3, 3, 3] },
      { name: 'head.weight', shape: [2, 16, 1, 1] },
      { name: 'dec.bias', shape: [8] },
    ]);
    expect(result).toEqual({
      missing: ['dec.bias'],
      mismatched: [{ name: 'head.weight', expected: [2, 16, 1, 1], found: [4, 16, 1, 1] }],
      unexpected: ['enc.bias'],
    });
  });
});
