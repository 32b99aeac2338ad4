/** @module ml/models/describe-model — a readable layer table of a network: kind, output shape, parameters. */
import { parametersOf, sizeOf } from '../graph/index.ts';
import type { Layer, Network } from '../graph/index.ts';

/** Short description of a layer's operation, e.g. `conv 3×3 s1` or `batch-norm`. */
export function layerOperation(layer: Layer): string {
  switch (layer.kind) {
    case 'conv':
      return `conv ${layer.kernel}×${layer.kernel}${layer.stride === 2 ? ' s2' : ''}${layer.bias ? '' : ' no-bias'}`;
    case 'conv-transpose':
      return `conv-transpose ${layer.kernel}×${layer.kernel} s${layer.kernel}`;
    case 'leaky-relu':
      return `leaky-relu ${layer.alpha}`;
    case 'dropout':
      return `dropout ${layer.ratio}`;
    case 'max-pool':
      return 'max-pool 2×2';
    default:
      return layer.kind;
  }
}

/** One row of the layer table. */
export type LayerRow = {
  readonly name: string;
  readonly operation: string;
  readonly inputs: readonly string[];
  readonly outputShape: readonly number[];
  /** Trainable parameters of the layer. */
  readonly parameters: number;
  readonly encoder: boolean;
};

/** The layer table as data (for `--json`). */
export function layerRows(network: Network): LayerRow[] {
  return network.layers.map((layer) => ({
    name: layer.name,
    operation: layerOperation(layer),
    inputs: layer.inputs,
    outputShape: [...layer.outputShape],
    parameters: parametersOf(layer)
      .filter((p) => p.trainable)
      .reduce((s, p) => s + sizeOf(p.shape), 0),
    encoder: layer.encoder,
  }));
}

const group = (n: number): string => n.toLocaleString('en-US');

/**
 * Formats the layer table.
 * @param network - the network
 * @param heading - first line(s), e.g. the model summary
 * @returns text with one layer per line and the parameter totals last
 */
export function formatLayerTable(network: Network, heading: string): string {
  const rows = layerRows(network);
  const cells = rows.map((r) => [
    r.name,
    r.operation,
    r.outputShape.join('×'),
    group(r.parameters),
    r.encoder ? 'encoder' : '',
  ]);
  const header = ['layer', 'operation', 'output', 'params', 'part'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i === 3 ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))).join('  ').trimEnd();
  const trainable = rows.reduce((s, r) => s + r.parameters, 0);
  const statistics = network.parameters.filter((p) => !p.trainable).reduce((s, p) => s + sizeOf(p.shape), 0);
  return [
    heading,
    line(header),
    ...cells.map(line),
    `trainable parameters: ${group(trainable)} (plus ${group(statistics)} BatchNorm running statistics)`,
  ].join('\n');
}
