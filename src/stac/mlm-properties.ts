/**
 * @module stac/mlm-properties — the MLM v1.5 fields, model assets and version links shared by base-model and
 * local-model items, derived from a model declaration's MLM facts and its model card (never typed by hand).
 */
import { bboxPolygon } from '../geo/index.ts';
import type { MlmFacts, ModelCard } from '../ml/index.ts';
import { invalid } from '../shared/index.ts';
import { BROWSER_RUNTIMES, MediaTypes } from './stac-constants.ts';
import type { BrowserRuntime } from './stac-constants.ts';
import type { Bbox, StacAsset, StacLink } from './stac-types.ts';

/** One file of a model: where it is, and its size and SHA-256 when known (File extension fields). */
export type ModelFileRef = {
  /** URL or blob URI of the file. */
  href: string;
  /** Size in bytes. */
  bytes?: number;
  /** SHA-256 as 64 lowercase hex digits. */
  sha256?: string;
};

/** The files of a model version or base model; only the ONNX model is required (MLM needs one `mlm:model`). */
export type ModelArtifacts = {
  /** The inference ONNX (`model.onnx`): asset `model`, role `mlm:model`. */
  onnx: ModelFileRef;
  /** The fAIr checkpoint (safetensors): asset `checkpoint`, roles `mlm:checkpoint`, `mlm:weights`. */
  checkpoint?: ModelFileRef;
  /** The model card (`model.json`): asset `model-card`, role `metadata`. */
  modelCard?: ModelFileRef;
  /** Validation metrics (`metrics.json`): asset `metrics`, role `metadata`. */
  metrics?: ModelFileRef;
  /** Training curves (`history.png`): asset `training-curves`, role `overview`. */
  curves?: ModelFileRef;
};

/** The whole world, the footprint of a model usable anywhere. */
export const GLOBAL_BBOX: Bbox = [-180, -90, 180, 90];

/** Default keywords of building models (fAIr-models' vocabulary, used by its compatibility check). */
export const MODEL_KEYWORDS: readonly string[] = ['building', 'semantic-segmentation', 'polygon'];

/**
 * First ONNX release of each opset fAIr may export (ai.onnx domain): `mlm:framework_version` must be a semantic
 * version, and the opset alone is not one.
 */
const onnxReleaseOfOpset: Readonly<Record<number, string>> = {
  13: '1.8.0',
  14: '1.9.0',
  15: '1.10.0',
  16: '1.11.0',
  17: '1.12.0',
  18: '1.13.0',
  19: '1.14.0',
  20: '1.15.0',
  21: '1.16.0',
  22: '1.17.0',
  23: '1.18.0',
};

/**
 * The ONNX release that introduced an opset (the `mlm:framework_version` of a model exported at that opset).
 * @param opset - ai.onnx opset version
 * @returns a semantic version, e.g. `1.12.0` for opset 17
 * @throws AppError INVALID_PARAMETER_VALUE for an opset outside 13–23
 */
export function onnxReleaseForOpset(opset: number): string {
  const release = onnxReleaseOfOpset[opset];
  if (release === undefined) invalid(`ONNX opset ${opset} is not one fAIr exports (13 to 23)`);
  return release;
}

/**
 * A name `mlm:name` accepts (a letter first, letters, digits, `_ . -` and spaces inside, a letter or digit last):
 * other characters become `-`, a leading non-letter gets the prefix `model-`.
 * @param name - registered model or base model name
 * @returns the conforming name (unchanged when it already conforms)
 */
export function mlmName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_.\-\s]/g, '-').replace(/[^a-zA-Z0-9]+$/, '');
  if (!/^[a-zA-Z]/.test(out)) out = `model-${out}`;
  if (out.length < 3) out = `${out}-model`;
  return out;
}

/** What {@link mlmProperties} needs besides the facts. */
export type MlmPropertyOptions = {
  /** The model card of the exported ONNX (opset, size, training settings); absent for a declaration only. */
  card?: ModelCard;
  /** `mlm:name`. */
  name: string;
  /** Where the weights come from: an href or name, or null when trained from scratch. */
  pretrainedSource: string | null;
  /** onnxruntime-web execution providers the model runs on. */
  runtimes: readonly BrowserRuntime[];
  /** Extra `mlm:hyperparameters` (training settings), merged over the card's `training`. */
  hyperparameters?: Record<string, unknown>;
};

/**
 * The MLM item properties of a model: name, architecture, tasks, framework ONNX and its version, input with shape,
 * dim order, data type, bands and normalisation (`value_scaling`), output with `classification:classes`,
 * hyperparameters, total parameters, memory size, accelerator, pretraining; plus fAIr's `fair:runtimes` and
 * `fair:onnx_opset`. The bands the input names are described on the model asset (see {@link modelAssets}).
 * @param facts - `declareModel(...).mlmFacts()` of the model's architecture, classes and input size
 * @param options - name, card, pretraining, runtimes, hyperparameters
 * @returns properties to spread into an item
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown runtime or an opset outside 13–23
 */
export function mlmProperties(facts: MlmFacts, options: MlmPropertyOptions): Record<string, unknown> {
  for (const runtime of options.runtimes)
    if (!BROWSER_RUNTIMES.includes(runtime))
      invalid(`runtime ${String(runtime)} is unknown; use ${BROWSER_RUNTIMES.join(', ')}`);
  const opset = options.card?.onnx.opset ?? Number(/\d+/.exec(facts.frameworkVersion)?.[0]);
  const card = options.card;
  const properties: Record<string, unknown> = {
    'mlm:name': mlmName(options.name),
    'mlm:architecture': facts.architecture,
    'mlm:tasks': [...facts.tasks],
    'mlm:framework': facts.framework,
    'mlm:framework_version': onnxReleaseForOpset(opset),
    'mlm:total_parameters': card?.parameters ?? facts.totalParameters,
    // The weights must be in memory: the ONNX file's size (float32 weights), a lower bound of what inference needs.
    'mlm:memory_size': card?.onnx.bytes ?? facts.totalParameters * 4,
    'mlm:pretrained': options.pretrainedSource !== null,
    'mlm:pretrained_source': options.pretrainedSource,
    'mlm:batch_size_suggestion': facts.batchSizeSuggestion,
    'mlm:accelerator': 'amd64',
    'mlm:accelerator_constrained': false,
    'mlm:accelerator_summary': `CPU with onnxruntime-node; in browsers with onnxruntime-web (${options.runtimes.join(', ')})`,
    'mlm:input': [structuredClone(facts.input)],
    'mlm:output': [structuredClone(facts.output)],
    'fair:runtimes': [...options.runtimes],
    'fair:onnx_opset': opset,
  };
  const hyperparameters = hyperparametersOf({
    ...(card?.training ?? {}),
    ...(options.hyperparameters ?? {}),
  });
  if (hyperparameters !== undefined) properties['mlm:hyperparameters'] = hyperparameters;
  return properties;
}

/** `mlm:hyperparameters` keys must match `^[0-9a-zA-Z_.-]+$`; others are dropped, as are undefined values. */
function hyperparametersOf(training: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(training))
    if (/^[0-9a-zA-Z_.-]+$/.test(key) && value !== undefined) out[key] = value;
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * The assets of a model: the ONNX (`model`, role `mlm:model`, `mlm:artifact_type` `onnx`, and the input's bands as
 * `raster:bands`, the Raster extension route MLM accepts and fAIr-models takes), and when given the checkpoint,
 * model card, metrics and training curves; sizes and checksums as File extension fields.
 * @param artifacts - the model's files
 * @param facts - the MLM facts (the input's band names)
 * @param card - the model card, whose `onnx.bytes` and `onnx.sha256` describe the ONNX when the ref does not
 * @returns the assets by key
 * @throws AppError INVALID_PARAMETER_VALUE for a sha256 that is not 64 lowercase hex digits
 */
export function modelAssets(
  artifacts: ModelArtifacts,
  facts: MlmFacts,
  card?: ModelCard,
): Record<string, StacAsset> {
  const onnx: ModelFileRef = {
    ...artifacts.onnx,
    ...(artifacts.onnx.bytes === undefined && card ? { bytes: card.onnx.bytes } : {}),
    ...(artifacts.onnx.sha256 === undefined && card ? { sha256: card.onnx.sha256 } : {}),
  };
  const assets: Record<string, StacAsset> = {
    model: {
      ...fileAsset(onnx, MediaTypes.onnx, 'ONNX model for inference (onnxruntime-node and onnxruntime-web)', [
        'mlm:model',
      ]),
      'mlm:artifact_type': 'onnx',
      'raster:bands': facts.input.bands.map((name) => ({ name, data_type: 'uint8' })),
    },
  };
  const optional: [string, ModelFileRef | undefined, string, string, string[]][] = [
    [
      'checkpoint',
      artifacts.checkpoint,
      MediaTypes.safetensors,
      'fAIr checkpoint (safetensors layout) to finetune from',
      ['mlm:checkpoint', 'mlm:weights'],
    ],
    ['model-card', artifacts.modelCard, MediaTypes.json, 'Model card (model.json)', ['metadata']],
    ['metrics', artifacts.metrics, MediaTypes.json, 'Validation metrics (metrics.json)', ['metadata']],
    ['training-curves', artifacts.curves, MediaTypes.png, 'Training curves', ['overview']],
  ];
  for (const [key, ref, type, title, roles] of optional)
    if (ref !== undefined) assets[key] = fileAsset(ref, type, title, roles);
  return assets;
}

function fileAsset(ref: ModelFileRef, type: string, title: string, roles: string[]): StacAsset {
  const asset: StacAsset = { href: ref.href, type, title, roles };
  if (ref.bytes !== undefined) asset['file:size'] = ref.bytes;
  if (ref.sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(ref.sha256)) invalid(`sha256 of ${ref.href} must be 64 lowercase hex digits`);
    // Multihash: 0x12 = sha2-256, 0x20 = 32 bytes.
    asset['file:checksum'] = `1220${ref.sha256}`;
  }
  return asset;
}

/** Version extension links of an item within its collection (item ids, resolved to catalog hrefs). */
export type VersionRefs = {
  /** Collection of the versions. */
  collection: string;
  /** Id of this item (the target of `latest-version` when it is the latest). */
  id: string;
  /** Id of the previous version. */
  predecessor?: string;
  /** Id of the next version. */
  successor?: string;
  /** Id of the latest version. */
  latest?: string;
};

/**
 * The Version extension links: `predecessor-version`, `successor-version`, `latest-version`.
 * @param refs - ids of the neighbouring and latest versions
 * @param hrefOf - builds an item href from collection and id
 * @returns the links, in that order, each only when its id is given
 */
export function versionLinks(
  refs: VersionRefs,
  hrefOf: (collection: string, id: string) => string,
): StacLink[] {
  const links: StacLink[] = [];
  const add = (rel: string, id: string | undefined, title: string): void => {
    if (id !== undefined)
      links.push({ rel, href: hrefOf(refs.collection, id), type: MediaTypes.geojson, title });
  };
  add('predecessor-version', refs.predecessor, 'Previous version');
  add('successor-version', refs.successor, 'Next version');
  add('latest-version', refs.latest, 'Latest version');
  return links;
}

/**
 * A polygon of a bbox (the footprint of a model or dataset).
 * @param bbox - west, south, east, north
 * @returns the closed ring, counter-clockwise
 * @throws AppError INVALID_PARAMETER_VALUE when the bbox is not four finite numbers with south ≤ north
 */
export function bboxGeometry(bbox: Bbox): { type: 'Polygon'; coordinates: number[][][] } {
  const [w, s, e, n] = bbox;
  if (!bbox.every(Number.isFinite) || s > n)
    invalid(`bbox ${JSON.stringify(bbox)} is not west,south,east,north`);
  return bboxPolygon([w, s, e, n]);
}
