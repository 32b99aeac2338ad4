/**
 * @module server/resources/models/publisher — puts the registry's model versions (and the datasets and base models
 * they derive from) into the STAC catalog, built by `stac/` from the records, validated against the official
 * schemas. Hrefs to the API are relative to the item's URL (`../../../../api/…`), so stored items do not depend on
 * the URL the server is reached at; STAC clients resolve them against the item's `self` link.
 */
import { datasetManifestSchema } from '../../../datasets/index.ts';
import type { DatasetManifest } from '../../../datasets/index.ts';
import { parseModelCard } from '../../../ml/index.ts';
import { DEFAULT_STAC_SCHEMAS_DIR } from '../../../registry/index.ts';
import type { ModelVersion, RegistryService } from '../../../registry/index.ts';
import { createStacValidator, invalid, isAppError } from '../../../shared/index.ts';
import type { StacValidator } from '../../../shared/index.ts';
import {
  CollectionIds,
  baseModelItemOf,
  datasetItem,
  localModelItemId,
  modelVersionItem,
  publishItems,
} from '../../../stac/index.ts';
import type { StacBackend, StacItem } from '../../../stac/index.ts';
import { getJson } from '../../../storage/index.ts';
import type { BlobStore } from '../../../storage/index.ts';

/** From an item in the catalog (`/stac/collections/{c}/items/{id}`) back to the server root. */
const TO_ROOT = '../../../..';

/** What the publisher needs. */
export type PublisherOptions = {
  registry: RegistryService;
  stac: StacBackend;
  blobs: BlobStore;
  /** Validate items against `../shared/schemas/stac` before publishing, default true. */
  validate?: boolean;
  /** The title of a fAIr dataset (for `derived_from` links), when known. */
  datasetTitle?: (datasetId: string) => Promise<string | undefined>;
};

/** Publishes model versions, datasets and base models as STAC items. */
export interface ModelPublisher {
  /**
   * Publishes a version (with its dataset and base model), and refreshes the model's other published versions
   * (their version links).
   * @returns the version's item id
   * @throws AppError INVALID_PARAMETER_VALUE when the version has no ONNX model or an item is not valid STAC
   */
  publishVersion(name: string, version: string): Promise<string>;
  /** Rebuilds the published items of a model's versions (after a stage change); unpublished ones stay out. */
  refreshModel(name: string): Promise<void>;
}

/**
 * Creates the publisher.
 * @param options - registry, STAC backend, blob store, validation
 * @returns the publisher
 */
export function createModelPublisher(options: PublisherOptions): ModelPublisher {
  return new Publisher(options);
}

/**
 * The API path of a model version's file (served by the model routes).
 * @param name - registered model name
 * @param version - version number
 * @param file - artifact name (`model.onnx`, `model.json`, `checkpoint`, …)
 */
export function versionFilePath(name: string, version: string, file: string): string {
  return `/api/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/files/${encodeURIComponent(file)}`;
}

class Publisher implements ModelPublisher {
  readonly #o: PublisherOptions;
  #validator: Promise<StacValidator> | undefined;

  constructor(options: PublisherOptions) {
    this.#o = options;
  }

  async publishVersion(name: string, version: string): Promise<string> {
    const versions = await this.#versions(name);
    const target = versions.find((v) => v.version === version);
    if (target === undefined) invalid(`model ${name} has no version ${version}`);
    const published = await this.#publishedOf(name, versions);
    const items = await Promise.all(
      versions
        .filter((v) => v.version === version || published.has(v.version))
        .map((v) => this.#versionItem(v, versions)),
    );
    const extra = await this.#lineageItems(target);
    await publishItems(this.#o.stac, [...items, ...extra], await this.#validation());
    return localModelItemId(name, version);
  }

  async refreshModel(name: string): Promise<void> {
    const versions = await this.#versions(name);
    const published = await this.#publishedOf(name, versions);
    const items = await Promise.all(
      versions.filter((v) => published.has(v.version)).map((v) => this.#versionItem(v, versions)),
    );
    if (items.length > 0) await publishItems(this.#o.stac, items, await this.#validation());
  }

  async #versions(name: string): Promise<ModelVersion[]> {
    const page = await this.#o.registry.searchModelVersions({
      filter: `name = '${name.replaceAll("'", "''")}'`,
      maxResults: 10_000,
    });
    return page.items.filter((v) => v.fair.artifacts['model.onnx'] !== undefined);
  }

  async #publishedOf(name: string, versions: readonly ModelVersion[]): Promise<Set<string>> {
    const stored = await this.#o.stac.getItemsByKey(
      versions.map((v) => ({ collection: CollectionIds.localModels, id: localModelItemId(name, v.version) })),
    );
    const ids = new Set(stored.map((s) => s.item.id));
    return new Set(versions.filter((v) => ids.has(localModelItemId(name, v.version))).map((v) => v.version));
  }

  async #versionItem(version: ModelVersion, versions: readonly ModelVersion[]): Promise<StacItem> {
    const { blobs } = this.#o;
    const cardUri = version.fair.artifacts['model.json'];
    if (cardUri === undefined) invalid(`model ${version.name} version ${version.version} has no model.json`);
    const card = parseModelCard(await getJson(blobs, blobs.keyOf(cardUri)), cardUri);
    const manifest = await this.#manifestOf(version);
    const datasetTitle =
      version.fair.dataset_id === null ? undefined : await this.#o.datasetTitle?.(version.fair.dataset_id);
    return modelVersionItem(version, {
      versions,
      card,
      ...(manifest === undefined ? {} : { bbox: manifest.bounds }),
      ...(datasetTitle === undefined ? {} : { datasetTitle }),
      artifactHref: (uri) => {
        const file = Object.entries(version.fair.artifacts).find(([, u]) => u === uri)?.[0] ?? 'model.onnx';
        return `${TO_ROOT}${versionFilePath(version.name, version.version, file)}`;
      },
      runUrl: (runId) => `${TO_ROOT}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`,
    });
  }

  /** The dataset item (when the version names a fAIr dataset) and the base model item. */
  async #lineageItems(version: ModelVersion): Promise<StacItem[]> {
    const items: StacItem[] = [];
    const manifest = await this.#manifestOf(version);
    const { dataset_id: datasetId, dataset_uri: datasetUri } = version.fair;
    if (manifest !== undefined && datasetId !== null && datasetUri !== null) {
      const title = await this.#o.datasetTitle?.(datasetId);
      items.push(
        datasetItem({
          manifest,
          id: datasetId,
          baseHref: datasetUri,
          userId: version.user_id ?? 'local',
          ...(title === undefined ? {} : { title }),
        }),
      );
    }
    const baseId = version.fair.base_model_id;
    if (baseId !== null) {
      const base = await this.#o.registry.getBaseModel(baseId).catch((error: unknown) => {
        if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
        throw error;
      });
      const item =
        base === undefined
          ? undefined
          : baseModelItemOf(base, { artifactHref: (path) => baseModelFileHref(base.id, base.artifacts, path) });
      if (item !== undefined) items.push(item);
    }
    return items;
  }

  async #manifestOf(version: ModelVersion): Promise<DatasetManifest | undefined> {
    const uri = version.fair.dataset_uri;
    if (uri === null) return undefined;
    const { blobs } = this.#o;
    try {
      const key = `${blobs.keyOf(uri).replace(/\/+$/, '')}/dataset.json`;
      return datasetManifestSchema.parse(await getJson(blobs, key)) as DatasetManifest;
    } catch (error) {
      if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }

  async #validation(): Promise<{ validator?: StacValidator }> {
    if (this.#o.validate === false) return {};
    this.#validator ??= createStacValidator(DEFAULT_STAC_SCHEMAS_DIR);
    return { validator: await this.#validator };
  }
}

/** The API href of a base model's file (served by the base-model routes), relative to its item. */
function baseModelFileHref(id: string, artifacts: Readonly<Record<string, string>>, path: string): string {
  const file = Object.entries(artifacts).find(([, p]) => p === path)?.[0] ?? 'model.onnx';
  return `${TO_ROOT}/api/base-models/${encodeURIComponent(id)}/files/${encodeURIComponent(file)}`;
}
