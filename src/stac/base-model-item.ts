/**
 * @module stac/base-model-item — the STAC item of a base model (collection `base-models`): a model architecture
 * with the weights fAIr finetunes from, described with MLM v1.5, Version, Classification and File extensions.
 */
import type { MlmFacts, ModelCard } from '../ml/index.ts';
import { invalid } from '../shared/index.ts';
import { catalogItemHref, collectionLink } from './item-links.ts';
import {
  GLOBAL_BBOX,
  MODEL_KEYWORDS,
  bboxGeometry,
  mlmProperties,
  modelAssets,
  versionLinks,
} from './mlm-properties.ts';
import type { ModelArtifacts } from './mlm-properties.ts';
import { CollectionIds, STAC_VERSION, StacExtensions } from './stac-constants.ts';
import type { BrowserRuntime } from './stac-constants.ts';
import type { Bbox, StacItem, StacLink, StacProvider } from './stac-types.ts';

/** Extensions of model items (base and local), fAIr-models' set. */
export const MODEL_ITEM_EXTENSIONS: readonly string[] = [
  StacExtensions.mlm,
  StacExtensions.version,
  StacExtensions.classification,
  StacExtensions.file,
  StacExtensions.raster,
];

/** HOT, the producer and host of fAIr's models. */
export const HOT_PROVIDER: StacProvider = {
  name: 'HOTOSM',
  roles: ['producer', 'host'],
  url: 'https://www.hotosm.org',
  description: 'Humanitarian OpenStreetMap Team',
};

/** What a base-model item is built from. */
export type BaseModelItemInput = {
  /** Item id, e.g. `unet-s`. */
  id: string;
  /** Human title. */
  title: string;
  /** What the model is and what its weights were trained on. */
  description: string;
  /** ISO 8601 creation time (also the item's `datetime`). */
  created: string;
  /** ISO 8601 time of the last change, default `created`. */
  updated?: string;
  /** MLM facts of the declaration: `declareModel(name, { classes, inputSize }).mlmFacts()`. */
  facts: MlmFacts;
  /** The card of the shipped ONNX export (opset, size, checksum, training settings), when there is one. */
  card?: ModelCard;
  /** The model's files. */
  artifacts: ModelArtifacts;
  /** Where the shipped weights come from, or null (default) when trained from scratch. */
  pretrainedSource?: string | null;
  /** onnxruntime-web execution providers it runs on, default `['wasm']` (the one fAIr tests). */
  runtimes?: readonly BrowserRuntime[];
  /** Keywords, default building, semantic-segmentation, polygon. */
  keywords?: readonly string[];
  /** SPDX licence of the weights, default `AGPL-3.0-only` (fAIr's). */
  license?: string;
  /** Version string, default `1`. */
  version?: string;
  /** Whether the base model should no longer be used, default false. */
  deprecated?: boolean;
  /** Ids of the base model's other versions in `base-models`. */
  predecessor?: string;
  successor?: string;
  latest?: string;
  /** Where the model applies, default the whole world. */
  bbox?: Bbox;
  /** Default training settings (`mlm:hyperparameters`), merged over the card's; default the batch size suggestion. */
  hyperparameters?: Record<string, unknown>;
  /** Extra links (README, source code), kept as given. */
  links?: readonly StacLink[];
};

/**
 * Builds the STAC item of a base model.
 * @param input - declaration facts, card, files and descriptive fields (defaults above)
 * @returns an item of collection `base-models` that validates against STAC 1.1.0, MLM 1.5.2, Version 1.2.0,
 *   Classification 2.0.0 and File 2.1.0
 * @throws AppError INVALID_PARAMETER_VALUE for an empty id, a bad bbox, an unknown runtime or opset
 * @example
 * const decl = declareModel('unet-s', { classes: 4 });
 * const item = baseModelItem({ id: 'unet-s', title: 'U-Net S', description: '…', created, facts: decl.mlmFacts(),
 *   card, artifacts: { onnx: { href: 'https://…/model.onnx' } } });
 */
export function baseModelItem(input: BaseModelItemInput): StacItem {
  if (input.id.trim() === '') invalid('base model id must not be empty');
  const bbox = input.bbox ?? GLOBAL_BBOX;
  const collection = CollectionIds.baseModels;
  const runtimes = input.runtimes ?? ['wasm'];
  const links: StacLink[] = [
    collectionLink(collection),
    ...versionLinks(
      {
        collection,
        id: input.id,
        ...optional('predecessor', input.predecessor),
        ...optional('successor', input.successor),
        ...optional('latest', input.latest),
      },
      catalogItemHref,
    ),
    ...(input.links ?? []).map((link) => ({ ...link })),
  ];
  return {
    type: 'Feature',
    stac_version: STAC_VERSION,
    stac_extensions: [...MODEL_ITEM_EXTENSIONS],
    id: input.id,
    collection,
    geometry: bboxGeometry(bbox),
    bbox: [...bbox],
    properties: {
      datetime: input.created,
      created: input.created,
      updated: input.updated ?? input.created,
      title: input.title,
      description: input.description,
      keywords: [...(input.keywords ?? MODEL_KEYWORDS)],
      license: input.license ?? 'AGPL-3.0-only',
      providers: [{ ...HOT_PROVIDER }],
      version: input.version ?? '1',
      deprecated: input.deprecated ?? false,
      ...mlmProperties(input.facts, {
        name: input.id,
        pretrainedSource: input.pretrainedSource ?? null,
        runtimes,
        hyperparameters: input.hyperparameters ?? { batchSize: input.facts.batchSizeSuggestion },
        ...(input.card ? { card: input.card } : {}),
      }),
    },
    links,
    assets: modelAssets(input.artifacts, input.facts, input.card),
  };
}

/** `{ [key]: value }` when the value is defined, else `{}` (for exactOptionalPropertyTypes). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
