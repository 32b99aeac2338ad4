/**
 * @module tests/predict/support/red-model — a real one-layer ONNX model for pipeline tests: building probability =
 * sigmoid(0.1 · (red − 127.5)), so pure red pixels are buildings and anything with little red is background. Built with
 * ml/graph's NetworkBuilder and exported like any model, with a `model.json` card (caller feeds raw 0–255 values).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NetworkBuilder, emitInferenceModel, sha256Hex } from '../../../src/ml/index.ts';

/**
 * Writes the model folder (`model.onnx` + `model.json`).
 * @param dir - the folder, created when missing
 * @param inputSize - square input size, pixels
 * @param inputChannels - 3, or another count for a model the RGB pipeline must refuse
 * @returns the folder
 */
export async function writeRedModel(dir: string, inputSize = 64, inputChannels = 3): Promise<string> {
  const net = new NetworkBuilder('red', [inputChannels, inputSize, inputSize]);
  const network = net.build(net.conv('head', net.input, { channels: 1, kernel: 1 }));
  const params = new Map([
    ['head.weight', Float32Array.from({ length: inputChannels }, (_, c) => (c === 0 ? 0.1 : 0))],
    ['head.bias', Float32Array.from([-12.75])],
  ]);
  const bytes = emitInferenceModel(network, params);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.onnx'), bytes);
  const card = {
    format: 'fair-model',
    version: 1,
    name: 'red-test',
    architecture: 'red-1x1',
    classes: 1,
    classNames: ['building'],
    inputSize,
    inputScale: 1 / 255,
    normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
    normalizedBy: 'graph',
    output: 'probabilities',
    activation: 'sigmoid',
    maskKind: 'binary',
    threshold: 0.5,
    onnx: { file: 'model.onnx', opset: 17, sha256: sha256Hex(bytes), bytes: bytes.length },
    parameters: 4,
    created: new Date(0).toISOString(),
  };
  await writeFile(path.join(dir, 'model.json'), `${JSON.stringify(card, null, 2)}\n`);
  return dir;
}
