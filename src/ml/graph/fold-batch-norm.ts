/** @module ml/graph/fold-batch-norm — folds eval-mode BatchNorm into the convolution before it, for the export. */
import { invalid } from '../../shared/index.ts';
import { parametersOf } from './network.ts';
import type { BatchNormLayer, ConvLayer, Layer, Network } from './network.ts';

/** Parameter values by name. */
export type ParameterValues = ReadonlyMap<string, Float32Array>;

function consumers(network: Network): Map<string, number> {
  const counts = new Map<string, number>();
  for (const layer of network.layers)
    for (const id of layer.inputs) counts.set(id, (counts.get(id) ?? 0) + 1);
  counts.set(network.output, (counts.get(network.output) ?? 0) + 1);
  return counts;
}

function value(params: ParameterValues, name: string): Float32Array {
  const v = params.get(name);
  if (v === undefined) invalid(`parameter ${name} has no value`);
  return v;
}

/** W'[o] = W[o]·s[o], b'[o] = (b[o] − mean[o])·s[o] + β[o] with s = γ/√(var + ε). */
function foldedValues(
  conv: ConvLayer,
  bn: BatchNormLayer,
  params: ParameterValues,
): [Float32Array, Float32Array] {
  const weight = value(params, `${conv.name}.weight`);
  const bias = conv.bias ? value(params, `${conv.name}.bias`) : new Float32Array(conv.outChannels);
  const gamma = value(params, `${bn.name}.weight`);
  const beta = value(params, `${bn.name}.bias`);
  const mean = value(params, `${bn.name}.running_mean`);
  const variance = value(params, `${bn.name}.running_var`);
  const perOut = weight.length / conv.outChannels;
  const newWeight = new Float32Array(weight.length);
  const newBias = new Float32Array(conv.outChannels);
  for (let o = 0; o < conv.outChannels; o++) {
    const s = (gamma[o] as number) / Math.sqrt((variance[o] as number) + bn.epsilon);
    for (let i = 0; i < perOut; i++) newWeight[o * perOut + i] = (weight[o * perOut + i] as number) * s;
    newBias[o] = ((bias[o] as number) - (mean[o] as number)) * s + (beta[o] as number);
  }
  return [newWeight, newBias];
}

/**
 * Folds every BatchNorm whose input is a convolution read by nothing else into that convolution (which gains a
 * bias), so the exported model runs one Conv instead of Conv + BatchNormalization.
 * @param network - the network as declared
 * @param params - values of every parameter
 * @returns an equivalent eval-mode network and its parameter values
 * @throws AppError when a parameter of a folded layer has no value
 */
export function foldBatchNorm(
  network: Network,
  params: ParameterValues,
): { network: Network; params: ParameterValues } {
  const producers = new Map(network.layers.map((l) => [l.output, l] as const));
  const readers = consumers(network);
  const folded = new Map<string, BatchNormLayer>();
  for (const layer of network.layers) {
    if (layer.kind !== 'batch-norm') continue;
    const source = producers.get(layer.inputs[0] as string);
    if (source?.kind === 'conv' && readers.get(source.output) === 1) folded.set(source.name, layer);
  }
  const skipped = new Set([...folded.values()].map((bn) => bn.name));
  const newParams = new Map(params);
  const layers: Layer[] = [];
  for (const layer of network.layers) {
    if (skipped.has(layer.name)) continue;
    const bn = layer.kind === 'conv' ? folded.get(layer.name) : undefined;
    if (layer.kind !== 'conv' || bn === undefined) {
      layers.push(layer);
      continue;
    }
    const [w, b] = foldedValues(layer, bn, params);
    newParams.set(`${layer.name}.weight`, w);
    newParams.set(`${layer.name}.bias`, b);
    for (const p of parametersOf(bn)) newParams.delete(p.name);
    layers.push({ ...layer, bias: true, output: bn.output, outputShape: bn.outputShape });
  }
  return { network: { ...network, layers, parameters: layers.flatMap(parametersOf) }, params: newParams };
}
