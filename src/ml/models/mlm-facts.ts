/**
 * @module ml/models/mlm-facts — the STAC MLM (v1.5) description of a declared model's input and output, derived
 * from its spec: the same declaration that yields the graphs yields the metadata (issue 3, §3).
 */
import { OPSET_VERSION } from '../graph/index.ts';
import type { ModelSpec } from './model-spec.ts';

/** An MLM Model Input Object (`mlm:input[]`), keys as the MLM schema spells them. */
export type MlmInput = {
  readonly name: string;
  readonly bands: readonly string[];
  readonly input: {
    readonly shape: readonly number[];
    readonly dim_order: readonly string[];
    readonly data_type: 'float32';
  };
  readonly description: string;
  /** Per-band z-score on raw 0–255 values: mean = 255·mean[c], stddev = 255·std[c] (= x/255 then (x − mean)/std). */
  readonly value_scaling: readonly { type: 'z-score'; mean: number; stddev: number }[];
  readonly resize_type: null;
  readonly pre_processing_function: null;
};

/** An MLM Model Output Object (`mlm:output[]`). */
export type MlmOutput = {
  readonly name: string;
  readonly tasks: readonly string[];
  readonly result: {
    readonly shape: readonly number[];
    readonly dim_order: readonly string[];
    readonly data_type: 'float32';
  };
  readonly description: string;
  readonly 'classification:classes': readonly { value: number; name: string; description: string }[];
  readonly post_processing_function: null;
};

/** The MLM facts of a model, ready to be copied into a STAC item's properties (`mlm:*`). */
export type MlmFacts = {
  readonly name: string;
  readonly architecture: string;
  readonly tasks: readonly string[];
  readonly framework: 'ONNX';
  /** The ONNX opset of the exported model. */
  readonly frameworkVersion: string;
  readonly artifactType: 'onnx';
  readonly totalParameters: number;
  readonly pretrained: boolean;
  readonly batchSizeSuggestion: number;
  /** The normalisation callers apply before the graph: (x·scale − mean[c]) / std[c]. */
  readonly normalization: {
    readonly scale: number;
    readonly mean: readonly number[];
    readonly std: readonly number[];
  };
  readonly input: MlmInput;
  readonly output: MlmOutput;
};

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * MLM facts of a model.
 * @param spec - the model spec
 * @param totalParameters - trainable parameter count
 */
export function mlmFactsOf(spec: ModelSpec, totalParameters: number): MlmFacts {
  const size = spec.inputSize;
  const binary = spec.classes === 1;
  const { mean, std } = spec.normalization;
  return {
    name: spec.name,
    architecture: `U-Net, ${spec.widths.length} levels (${spec.widths.join(', ')} channels), BatchNorm, ConvTranspose up`,
    tasks: ['semantic-segmentation'],
    framework: 'ONNX',
    frameworkVersion: `opset ${OPSET_VERSION}`,
    artifactType: 'onnx',
    totalParameters,
    pretrained: false,
    batchSizeSuggestion: 8,
    normalization: { scale: spec.inputScale, mean: [...mean], std: [...std] },
    input: {
      name: 'input',
      bands: ['red', 'green', 'blue'],
      input: { shape: [-1, 3, size, size], dim_order: ['batch', 'bands', 'height', 'width'], data_type: 'float32' },
      description:
        `RGB chip as float32, normalised per channel before the model: x/255 then (x - mean)/std ` +
        `(mean ${mean.join(', ')}; std ${std.join(', ')})`,
      value_scaling: mean.map((m, c) => ({
        type: 'z-score' as const,
        mean: round(m / spec.inputScale),
        stddev: round((std[c] as number) / spec.inputScale),
      })),
      resize_type: null,
      pre_processing_function: null,
    },
    output: {
      name: 'output',
      tasks: ['semantic-segmentation'],
      result: {
        shape: [-1, spec.classes, size, size],
        dim_order: ['batch', 'channel', 'height', 'width'],
        data_type: 'float32',
      },
      description: binary
        ? 'probability that each pixel is a building (sigmoid)'
        : `per-pixel class probabilities over ${spec.classes} classes (softmax over channels)`,
      'classification:classes': spec.classNames.map((name, i) => ({
        value: binary ? 1 : i,
        name,
        description: binary ? 'building pixel' : `class ${i}: ${name}`,
      })),
      post_processing_function: null,
    },
  };
}
