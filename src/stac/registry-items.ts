/**
 * @module stac/registry-items — the thin mapping from the registry's records (model versions, base models) to the
 * item builders' inputs: items are built from the registry, never by hand.
 */
import { checkModelName, declareModel } from '../ml/index.ts';
import type { MlmFacts, ModelCard } from '../ml/index.ts';
import type { BaseModel, ModelVersion } from '../registry/index.ts';
import { invalid } from '../shared/index.ts';
import { baseModelItem } from './base-model-item.ts';
import { catalogItemHref, collectionLink } from './item-links.ts';
import { localModelItem, localModelItemId } from './local-model-item.ts';
import type { LocalModelItemInput } from './local-model-item.ts';
import type { ModelArtifacts, ModelFileRef } from './mlm-properties.ts';
import { CollectionIds } from './stac-constants.ts';
import type { BrowserRuntime } from './stac-constants.ts';
import type { Bbox, StacItem, StacLink } from './stac-types.ts';

/** How registry records become public hrefs. */
export type RegistryItemOptions = {
  /** The public href of a stored file (blob URI or path), e.g. the API's artifact URL; default as stored. */
  artifactHref?: (uri: string) => string;
  /** The MLflow UI URL of a tracking run; default the version's `run_link`, else no `mlflow-run` link. */
  runUrl?: (runId: string) => string;
  /** onnxruntime-web execution providers the models run on, default `['wasm']`. */
  runtimes?: readonly BrowserRuntime[];
};

/** What a version's item needs besides the version itself. */
export type ModelVersionContext = RegistryItemOptions & {
  /** Every version of the same registered model (for the Version extension's links). */
  versions: readonly ModelVersion[];
  /** The version's model card (`model.json`, read from its artifacts). */
  card: ModelCard;
  /** MLM facts, default `declareModel(card.architecture, …).mlmFacts()` from the card. */
  facts?: MlmFacts;
  /** The dataset's extent (the item's footprint), default the whole world. */
  bbox?: Bbox;
  /** Title of the dataset, for the `derived_from` link. */
  datasetTitle?: string;
};

/**
 * The item-builder input of a model version: metrics, files, run, execution, lineage (dataset and base model items
 * in this catalog), stage, aliases and owner; its predecessor, successor and latest among `versions`; archived
 * versions are deprecated.
 * @param version - the registry's model version
 * @param context - sibling versions, card, facts, footprint, href mappings
 * @returns the input of `localModelItem`
 * @throws AppError INVALID_PARAMETER_VALUE when the version has no `model.onnx` or the card names an unknown model
 */
export function modelVersionItemInput(
  version: ModelVersion,
  context: ModelVersionContext,
): LocalModelItemInput {
  const href = context.artifactHref ?? ((uri: string) => uri);
  const files = version.fair.artifacts;
  const onnx = files['model.onnx'];
  if (onnx === undefined) invalid(`model ${version.name} version ${version.version} has no model.onnx`);
  const ref = (key: string): ModelFileRef | undefined => {
    const uri = files[key];
    return uri === undefined ? undefined : { href: href(uri) };
  };
  const artifacts: ModelArtifacts = { onnx: { href: href(onnx) } };
  const optionalFiles: [keyof ModelArtifacts, string][] = [
    ['checkpoint', 'checkpoint'],
    ['modelCard', 'model.json'],
    ['metrics', 'metrics.json'],
    ['curves', 'history.png'],
  ];
  for (const [key, file] of optionalFiles) {
    const found = ref(file);
    if (found !== undefined) artifacts[key] = found;
  }
  const card = context.card;
  const facts =
    context.facts ??
    declareModel(checkModelName(card.architecture), {
      classes: card.classes,
      inputSize: card.inputSize,
      classNames: card.classNames,
    }).mlmFacts();
  const numbers = context.versions.map((v) => Number(v.version)).sort((a, b) => a - b);
  const n = Number(version.version);
  const before = numbers.filter((v) => v < n);
  const after = numbers.filter((v) => v > n);
  const idOf = (v: number): string => localModelItemId(version.name, v);
  const input: LocalModelItemInput = {
    name: version.name,
    version: version.version,
    created: new Date(version.creation_timestamp).toISOString(),
    updated: new Date(version.last_updated_timestamp).toISOString(),
    metrics: version.fair.metrics,
    artifacts,
    card,
    facts,
    deprecated: version.current_stage === 'Archived',
    stage: version.current_stage,
    aliases: version.aliases,
    latest: idOf(Math.max(n, ...numbers)),
  };
  const last = before[before.length - 1];
  if (last !== undefined) input.predecessor = idOf(last);
  if (after[0] !== undefined) input.successor = idOf(after[0]);
  if (version.description !== null && version.description !== '') input.description = version.description;
  if (version.user_id !== null) input.userId = version.user_id;
  if (version.fair.execution_id !== null) input.executionId = version.fair.execution_id;
  const runUrl = version.run_id === null ? undefined : (context.runUrl?.(version.run_id) ?? version.run_link);
  if (version.run_id !== null && runUrl !== undefined && runUrl !== null)
    input.run = { id: version.run_id, url: runUrl };
  if (version.fair.dataset_id !== null)
    input.dataset = {
      href: catalogItemHref(CollectionIds.datasets, version.fair.dataset_id),
      ...(context.datasetTitle === undefined ? {} : { title: context.datasetTitle }),
    };
  if (version.fair.base_model_id !== null)
    input.baseModel = {
      href: catalogItemHref(CollectionIds.baseModels, version.fair.base_model_id),
      name: version.fair.base_model_id,
    };
  if (context.bbox !== undefined) input.bbox = context.bbox;
  if (context.runtimes !== undefined) input.runtimes = context.runtimes;
  return input;
}

/**
 * The item of a model version (see {@link modelVersionItemInput}).
 * @param version - the registry's model version
 * @param context - sibling versions, card, facts, footprint, href mappings
 * @returns an item of `local-models`
 * @throws AppError as {@link modelVersionItemInput} and `localModelItem`
 */
export function modelVersionItem(version: ModelVersion, context: ModelVersionContext): StacItem {
  return localModelItem(modelVersionItemInput(version, context));
}

/**
 * The item of a base model: a built-in one is built from its declaration facts, card and shipped files; an imported
 * one is its stored (validated) item, placed in `base-models`.
 * @param base - the registry's base model
 * @param options - href mappings, runtimes
 * @returns an item of `base-models`, or undefined for a built-in model that ships no ONNX (nothing to describe as
 *   `mlm:model`)
 */
export function baseModelItemOf(base: BaseModel, options: RegistryItemOptions = {}): StacItem | undefined {
  if (base.item !== null) return importedItem(base.item);
  const onnx = base.artifacts['model.onnx'];
  if (base.facts === null || onnx === undefined) return undefined;
  const href = options.artifactHref ?? ((uri: string) => uri);
  const artifacts: ModelArtifacts = { onnx: { href: href(onnx) } };
  const checkpoint = base.artifacts['checkpoint'];
  const card = base.artifacts['model.json'];
  if (checkpoint !== undefined) artifacts.checkpoint = { href: href(checkpoint) };
  if (card !== undefined) artifacts.modelCard = { href: href(card) };
  return baseModelItem({
    id: base.id,
    title: base.title,
    description: base.description,
    created: base.card?.created ?? '2026-01-01T00:00:00Z',
    facts: base.facts,
    artifacts,
    keywords: base.keywords,
    license: base.license ?? 'AGPL-3.0-only',
    version: base.version,
    // The shipped weights of a built-in model were trained by fAIr itself (see models/README.md).
    pretrainedSource: base.card === null ? null : `fAIr ${base.card.name}`,
    ...(base.card === null ? {} : { card: base.card }),
    ...(options.runtimes === undefined ? {} : { runtimes: options.runtimes }),
  });
}

function importedItem(stored: Record<string, unknown>): StacItem {
  const item = structuredClone(stored) as unknown as StacItem;
  const links: StacLink[] = Array.isArray(item.links) ? item.links : [];
  return {
    ...item,
    collection: CollectionIds.baseModels,
    links: [collectionLink(CollectionIds.baseModels), ...links.filter((l) => l.rel !== 'collection')],
  };
}
