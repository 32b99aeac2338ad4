/**
 * @module stac/local-model-item — the STAC item of a model version (collection `local-models`): a base model
 * finetuned on a dataset, with its metrics, files, lineage (`derived_from` the dataset and the base model), its
 * tracking run (`mlflow-run`) and its place among the model's versions (Version extension).
 */
import type { MlmFacts, ModelCard } from '../ml/index.ts';
import { invalid } from '../shared/index.ts';
import { HOT_PROVIDER, MODEL_ITEM_EXTENSIONS, optional } from './base-model-item.ts';
import { catalogItemHref, collectionLink } from './item-links.ts';
import {
  GLOBAL_BBOX,
  MODEL_KEYWORDS,
  bboxGeometry,
  mlmName,
  mlmProperties,
  modelAssets,
  versionLinks,
} from './mlm-properties.ts';
import type { ModelArtifacts } from './mlm-properties.ts';
import { CollectionIds, MediaTypes, STAC_VERSION } from './stac-constants.ts';
import type { BrowserRuntime } from './stac-constants.ts';
import type { Bbox, StacItem, StacLink } from './stac-types.ts';

/** A link target of the lineage: an href (absolute, or relative from `catalogItemHref`) and a title. */
export type LineageRef = { href: string; title?: string };

/** What a local-model (model version) item is built from: the registry's facts about one version. */
export type LocalModelItemInput = {
  /** Registered model name, e.g. `banepa-buildings`. */
  name: string;
  /** Version number or label (the Version extension's `version`). */
  version: number | string;
  /** Item id, default `<name>-v<version>`. */
  id?: string;
  /** Title, default `<name> v<version>`. */
  title?: string;
  /** Description, default names the base model, dataset and object F1 when known. */
  description?: string;
  /** ISO 8601 time the version was created (also the item's `datetime`). */
  created: string;
  /** ISO 8601 time of the last change (stage, deprecation), default `created`. */
  updated?: string;
  /** Evaluation metrics, written as `fair:<metric>` properties (fAIr-models' convention). */
  metrics: Readonly<Record<string, number>>;
  /** The version's files. */
  artifacts: ModelArtifacts;
  /** The tracking run that trained it: `fair:run_id` and an `mlflow-run` link to `url`. */
  run?: { id: string; url: string };
  /** Workflow execution that produced it (`fair:execution_id`). */
  executionId?: string;
  /** The training dataset's item: a `derived_from` link. */
  dataset?: LineageRef;
  /** The base model's item: a `derived_from` link (with `mlm:name`) and `mlm:pretrained_source`. */
  baseModel?: LineageRef & { name?: string };
  /** The exported model's card (`model.json`). */
  card: ModelCard;
  /** MLM facts of its declaration: `declareModel(card.architecture, { classes, inputSize, classNames }).mlmFacts()`. */
  facts: MlmFacts;
  /** Item ids of the previous, next and latest versions in `local-models`. */
  predecessor?: string;
  successor?: string;
  latest?: string;
  /** True when the version should no longer be used (archived), default false. */
  deprecated?: boolean;
  /** Registry stage (`None`, `Staging`, `Production`, `Archived`) as `fair:stage`. */
  stage?: string;
  /** Registry aliases as `fair:aliases`. */
  aliases?: readonly string[];
  /** Owner as `fair:user_id`. */
  userId?: string;
  /** Where the model was trained for (the dataset's extent), default the whole world. */
  bbox?: Bbox;
  /** Keywords, default building, semantic-segmentation, polygon. */
  keywords?: readonly string[];
  /** SPDX licence, default `AGPL-3.0-only`. */
  license?: string;
  /** onnxruntime-web execution providers it runs on, default `['wasm']`. */
  runtimes?: readonly BrowserRuntime[];
};

/**
 * The default item id of a model version.
 * @param name - registered model name
 * @param version - version number or label
 * @returns `<name>-v<version>`
 */
export function localModelItemId(name: string, version: number | string): string {
  return `${name}-v${version}`;
}

/**
 * Builds the STAC item of a model version.
 * @param input - the version's facts (defaults above)
 * @returns an item of collection `local-models` that validates against STAC 1.1.0, MLM 1.5.2, Version 1.2.0,
 *   Classification 2.0.0 and File 2.1.0
 * @throws AppError INVALID_PARAMETER_VALUE for an empty name, a bad bbox, a non-finite metric, an unknown runtime
 * @example
 * const item = localModelItem({ name: 'banepa-buildings', version: 3, created, metrics: { object_f1: 0.61 },
 *   artifacts: { onnx: { href: 's3://fair/models/…/model.onnx' } }, card, facts,
 *   baseModel: { href: catalogItemHref('base-models', 'unet-s'), name: 'unet-s' },
 *   dataset: { href: catalogItemHref('datasets', 'banepa') }, run: { id, url } });
 */
export function localModelItem(input: LocalModelItemInput): StacItem {
  if (input.name.trim() === '') invalid('model name must not be empty');
  const id = input.id ?? localModelItemId(input.name, input.version);
  const bbox = input.bbox ?? GLOBAL_BBOX;
  const collection = CollectionIds.localModels;
  const runtimes = input.runtimes ?? ['wasm'];
  return {
    type: 'Feature',
    stac_version: STAC_VERSION,
    stac_extensions: [...MODEL_ITEM_EXTENSIONS],
    id,
    collection,
    geometry: bboxGeometry(bbox),
    bbox: [...bbox],
    properties: {
      datetime: input.created,
      created: input.created,
      updated: input.updated ?? input.created,
      title: input.title ?? `${input.name} v${input.version}`,
      description: input.description ?? describe(input),
      keywords: [...(input.keywords ?? MODEL_KEYWORDS)],
      license: input.license ?? 'AGPL-3.0-only',
      providers: [{ ...HOT_PROVIDER }],
      version: String(input.version),
      deprecated: input.deprecated ?? false,
      ...mlmProperties(input.facts, {
        name: input.name,
        card: input.card,
        // The base model is what its weights were pretrained as; its name reads better than a relative href.
        pretrainedSource: input.baseModel ? (input.baseModel.name ?? input.baseModel.href) : null,
        runtimes,
      }),
      ...fairProperties(input),
    },
    links: [
      collectionLink(collection),
      ...lineageLinks(input),
      ...versionLinks(
        {
          collection,
          id,
          ...optional('predecessor', input.predecessor),
          ...optional('successor', input.successor),
          ...optional('latest', input.latest),
        },
        catalogItemHref,
      ),
    ],
    assets: modelAssets(input.artifacts, input.facts, input.card),
  };
}

function describe(input: LocalModelItemInput): string {
  const parts = [`${input.card.architecture} finetuned`];
  if (input.baseModel?.name !== undefined) parts.push(`from ${input.baseModel.name}`);
  if (input.dataset?.title !== undefined) parts.push(`on ${input.dataset.title}`);
  const f1 = input.metrics['object_f1'];
  const tail = f1 === undefined ? '' : ` (object F1 ${f1.toFixed(3)})`;
  return `${parts.join(' ')} to map buildings${tail}`;
}

function fairProperties(input: LocalModelItemInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.metrics)) {
    if (!Number.isFinite(value))
      invalid(`metric ${key} of ${input.name} v${input.version} is not a finite number`);
    out[`fair:${key.toLowerCase().replace(/[^a-z0-9_]+/g, '_')}`] = value;
  }
  out['fair:model_name'] = input.name;
  out['fair:threshold'] = input.card.threshold;
  if (input.run !== undefined) out['fair:run_id'] = input.run.id;
  if (input.executionId !== undefined) out['fair:execution_id'] = input.executionId;
  if (input.stage !== undefined) out['fair:stage'] = input.stage;
  if (input.aliases !== undefined) out['fair:aliases'] = [...input.aliases];
  if (input.userId !== undefined) out['fair:user_id'] = input.userId;
  return out;
}

function lineageLinks(input: LocalModelItemInput): StacLink[] {
  const links: StacLink[] = [];
  if (input.baseModel !== undefined) {
    const link: StacLink = {
      rel: 'derived_from',
      href: input.baseModel.href,
      type: MediaTypes.geojson,
      title: input.baseModel.title ?? 'Base model',
    };
    if (input.baseModel.name !== undefined) link['mlm:name'] = mlmName(input.baseModel.name);
    links.push(link);
  }
  if (input.dataset !== undefined)
    links.push({
      rel: 'derived_from',
      href: input.dataset.href,
      type: MediaTypes.geojson,
      title: input.dataset.title ?? 'Training dataset',
    });
  if (input.run !== undefined)
    links.push({
      rel: 'mlflow-run',
      href: input.run.url,
      type: MediaTypes.html,
      title: `MLflow run ${input.run.id}`,
    });
  return links;
}
