/**
 * @module ml/models/model-declaration — `declareModel`: one declaration per model yields its network (for the
 * training, eval and inference graphs), parameter list and count, layer table, initial values and MLM facts.
 */
import { trainableParameterCount } from '../graph/index.ts';
import type { Network, ParameterKind } from '../graph/index.ts';
import { formatLayerTable, layerRows } from './describe-model.ts';
import type { LayerRow } from './describe-model.ts';
import { initParameters } from './init-parameters.ts';
import { mlmFactsOf } from './mlm-facts.ts';
import type { MlmFacts } from './mlm-facts.ts';
import { createModelSpec } from './model-spec.ts';
import type { ModelName, ModelSpec } from './model-spec.ts';
import { declareUnet } from './unet.ts';

/** A parameter of a declared model. */
export type ModelParameter = {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: ParameterKind;
  /** False for BatchNorm running statistics (updated by the training graph, not by the optimiser). */
  readonly trainable: boolean;
  /** True for encoder parameters (frozen by `--freeze-encoder`). */
  readonly encoder: boolean;
};

/** Everything derived from one model declaration. */
export type ModelDeclaration = {
  readonly spec: ModelSpec;
  /** The layer IR the graphs are built from. */
  readonly network: Network;
  /** Every parameter in declaration order, BatchNorm running statistics included. */
  parameters(): ModelParameter[];
  /** Number of trainable values (BatchNorm running statistics excluded, as PyTorch counts). */
  parameterCount(): number;
  /** Names of the trainable encoder parameters (the set `--freeze-encoder` passes as `frozen`). */
  encoderParameters(): Set<string>;
  /** The layer table as text: summary line, one row per layer, totals. */
  describe(): string;
  /** The layer table as data. */
  layers(): LayerRow[];
  /** Seeded He initialisation of every parameter (see `initParameters`). */
  initParameters(seed: number): Map<string, Float32Array>;
  /** STAC MLM input/output facts. */
  mlmFacts(): MlmFacts;
};

/** Options of {@link declareModel}. */
export type DeclareModelOptions = {
  /** Output classes: 1 (binary, sigmoid) or 2–255 (softmax), e.g. 4 for RAMP-style masks. */
  classes: number;
  /** Square input size, a multiple of 8, default 256. */
  inputSize?: number;
  /** Class names by channel, default `building` for 1 class, background/footprint/boundary/contact for 4. */
  classNames?: readonly string[];
};

function summary(spec: ModelSpec): string {
  const head = spec.classes === 1 ? '1 class (sigmoid)' : `${spec.classes} classes (softmax)`;
  const { mean, std } = spec.normalization;
  return (
    `${spec.name}: U-Net, ${spec.widths.length} levels (${spec.widths.join(', ')}), ` +
    `input N×3×${spec.inputSize}×${spec.inputSize} float32 RGB normalised by the caller (x/255, mean ${mean.join('/')}, ` +
    `std ${std.join('/')}), output ${head}`
  );
}

/**
 * Declares a built-in model.
 * @param name - `unet-s` (16/32/64/128 channels) or `unet-m` (32/64/128/256)
 * @param options - classes, inputSize (default 256), classNames
 * @returns the declaration
 * @throws AppError for an unknown name, a bad class count or input size
 * @example
 * const decl = declareModel('unet-s', { classes: 1 });
 * decl.parameterCount(); // 482,737
 */
export function declareModel(name: ModelName, options: DeclareModelOptions): ModelDeclaration {
  const spec = createModelSpec(name, options);
  const network = declareUnet(spec);
  const parameters = network.parameters.map(
    (p): ModelParameter => ({ name: p.name, shape: p.shape, kind: p.kind, trainable: p.trainable, encoder: p.encoder }),
  );
  const count = trainableParameterCount(network);
  return {
    spec,
    network,
    parameters: () => parameters.map((p) => ({ ...p, shape: [...p.shape] })),
    parameterCount: () => count,
    encoderParameters: () => new Set(parameters.filter((p) => p.encoder && p.trainable).map((p) => p.name)),
    describe: () => formatLayerTable(network, summary(spec)),
    layers: () => layerRows(network),
    initParameters: (seed) => initParameters(network, seed),
    mlmFacts: () => mlmFactsOf(spec, count),
  };
}
