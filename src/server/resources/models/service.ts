/**
 * @module server/resources/models/service — registered models and their versions through the registry service
 * (its access rules apply with the viewer), promotion through stages with the publish gate, publishing to STAC,
 * the versions' files, and the base models.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { filterLiteral, resolveModelVersion, STAGES } from '../../../registry/index.ts';
import type { BaseModel, ModelVersion, RegisteredModel, RegistryService } from '../../../registry/index.ts';
import { AppError, invalid } from '../../../shared/index.ts';
import type { BlobStore } from '../../../storage/index.ts';
import type { Viewer } from '../common/viewer.ts';
import type { ModelPublisher } from './publisher.ts';

/** What `createModelService` needs. */
export type ModelServiceOptions = {
  registry: RegistryService;
  blobs: BlobStore;
  publisher: ModelPublisher;
};

/** A page of the registry (its own page tokens). */
export type RegistryPage<T> = { items: T[]; next_page_token: string | null };

/** A file to send: a stream, its size and media type. */
export type FileStream = { body: Readable; size: number; contentType: string };

/** Models, versions and base models as the API sees them. */
export interface ModelService {
  list(
    viewer: Viewer,
    query: { limit: number; pageToken?: string | undefined; nameContains?: string | undefined },
  ): Promise<RegistryPage<RegisteredModel>>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST (also for private models of others) */
  get(viewer: Viewer, name: string): Promise<RegisteredModel>;
  listVersions(
    viewer: Viewer,
    name: string,
    query: { limit: number; pageToken?: string | undefined; stage?: string | undefined },
  ): Promise<RegistryPage<ModelVersion>>;
  getVersion(viewer: Viewer, name: string, version: string): Promise<ModelVersion>;
  /**
   * The version to use when none is named: the Production version, else the highest.
   * @throws AppError RESOURCE_DOES_NOT_EXIST when the model has no version
   */
  resolve(viewer: Viewer, name: string, version?: number): Promise<ModelVersion>;
  /**
   * Moves a version to a stage (Production: the publish gate, and the previous Production version archived), then
   * refreshes the model's published STAC items.
   * @throws AppError INVALID_PARAMETER_VALUE when the gate refuses (details: metric, value, threshold)
   */
  promote(
    viewer: Viewer,
    name: string,
    version: string,
    stage: string,
    archiveExisting: boolean,
  ): Promise<ModelVersion>;
  /**
   * Publishes a version's STAC item (owner or admin; private models stay out of the public catalog).
   * @returns the item id
   */
  publish(viewer: Viewer, name: string, version: string): Promise<string>;
  /** A version's file by artifact name (`model.onnx`, `model.json`, `checkpoint`, `metrics.json`, `history.png`). */
  versionFile(viewer: Viewer, name: string, version: string, file: string): Promise<FileStream>;
  listBaseModels(): Promise<BaseModel[]>;
  getBaseModel(id: string): Promise<BaseModel>;
  /** A built-in base model's shipped file (`model.onnx`, `model.json`, `checkpoint`). */
  baseModelFile(id: string, file: string): Promise<FileStream>;
  /** Number of model versions per stage (every model, private ones included: counts only). */
  countVersionsByStage(): Promise<Record<string, number>>;
}

/**
 * Creates the model service.
 * @param options - registry, blob store, STAC publisher
 * @returns the service
 */
export function createModelService(options: ModelServiceOptions): ModelService {
  return new Models(options);
}

const mediaTypes: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.png': 'image/png',
  '.geojson': 'application/geo+json',
};


function access(viewer: Viewer): { viewer: { userId: string | null; admin: boolean } } {
  return { viewer: { userId: viewer.userId, admin: viewer.admin } };
}

class Models implements ModelService {
  readonly #o: ModelServiceOptions;

  constructor(options: ModelServiceOptions) {
    this.#o = options;
  }

  async list(
    viewer: Viewer,
    query: { limit: number; pageToken?: string | undefined; nameContains?: string | undefined },
  ): Promise<RegistryPage<RegisteredModel>> {
    const like = query.nameContains?.replace(/[%_]/g, '');
    const page = await this.#o.registry.searchRegisteredModels({
      ...access(viewer),
      filter: like === undefined || like === '' ? undefined : `name ILIKE ${filterLiteral(`%${like}%`)}`,
      maxResults: query.limit,
      pageToken: query.pageToken,
    });
    return { items: page.items, next_page_token: page.nextPageToken ?? null };
  }

  get(viewer: Viewer, name: string): Promise<RegisteredModel> {
    return this.#o.registry.getRegisteredModel(name, access(viewer));
  }

  async listVersions(
    viewer: Viewer,
    name: string,
    query: { limit: number; pageToken?: string | undefined; stage?: string | undefined },
  ): Promise<RegistryPage<ModelVersion>> {
    await this.get(viewer, name);
    const page = await this.#o.registry.searchModelVersions({
      ...access(viewer),
      filter: `name = ${filterLiteral(name)}`,
      orderBy: ['version_number DESC'],
      maxResults: query.stage === undefined ? query.limit : 10_000,
      pageToken: query.pageToken,
    });
    if (query.stage === undefined) return { items: page.items, next_page_token: page.nextPageToken ?? null };
    const items = page.items.filter((v) => v.current_stage === query.stage).slice(0, query.limit);
    return { items, next_page_token: null };
  }

  getVersion(viewer: Viewer, name: string, version: string): Promise<ModelVersion> {
    return this.#o.registry.getModelVersion(name, version, access(viewer));
  }

  resolve(viewer: Viewer, name: string, version?: number): Promise<ModelVersion> {
    return resolveModelVersion(this.#o.registry, name, { version, preferProduction: true }, access(viewer));
  }

  async promote(
    viewer: Viewer,
    name: string,
    version: string,
    stage: string,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    const moved = await this.#o.registry.transitionModelVersionStage(
      name,
      version,
      stage,
      { archiveExistingVersions: archiveExisting && (stage === 'Staging' || stage === 'Production') },
      access(viewer),
    );
    await this.#o.publisher.refreshModel(name);
    return moved;
  }

  async publish(viewer: Viewer, name: string, version: string): Promise<string> {
    const model = await this.get(viewer, name);
    const owner = model.fair.owner_id;
    if (viewer.userId === null)
      throw new AppError('UNAUTHENTICATED', 'authentication required to publish a model version');
    if (!viewer.admin && owner !== null && owner !== viewer.userId)
      throw new AppError(
        'PERMISSION_DENIED',
        `model ${name} belongs to another user: only its owner or an admin may publish it`,
      );
    if (model.fair.private)
      invalid(`model ${name} is private: make it public before publishing it to the STAC catalog`);
    await this.getVersion(viewer, name, version);
    return this.#o.publisher.publishVersion(name, version);
  }

  async versionFile(viewer: Viewer, name: string, version: string, file: string): Promise<FileStream> {
    const found = await this.getVersion(viewer, name, version);
    const uri = file === 'model_dir' ? undefined : found.fair.artifacts[file];
    if (uri === undefined)
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `model ${name} version ${version} has no file ${file} (files: ${Object.keys(found.fair.artifacts)
          .filter((k) => k !== 'model_dir')
          .join(', ')})`,
      );
    const { blobs } = this.#o;
    const key = blobs.keyOf(uri);
    const info = await blobs.head(key);
    if (info === undefined)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `file ${file} of model ${name} version ${version} is gone`);
    return { body: await blobs.get(key), size: info.size, contentType: mediaTypeOf(key) };
  }

  listBaseModels(): Promise<BaseModel[]> {
    return this.#o.registry.listBaseModels();
  }

  getBaseModel(id: string): Promise<BaseModel> {
    return this.#o.registry.getBaseModel(id);
  }

  async baseModelFile(id: string, file: string): Promise<FileStream> {
    const base = await this.getBaseModel(id);
    const path = base.source === 'builtin' ? base.artifacts[file] : undefined;
    if (path === undefined)
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `base model ${id} serves no file ${file}${base.source === 'builtin' ? '' : ' (imported: see its STAC item)'}`,
      );
    const size = (await stat(path)).size;
    return { body: createReadStream(path), size, contentType: mediaTypeOf(path) };
  }

  async countVersionsByStage(): Promise<Record<string, number>> {
    const counts: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
    let pageToken: string | undefined;
    do {
      const page = await this.#o.registry.searchModelVersions({ maxResults: 10_000, pageToken });
      for (const v of page.items) counts[v.current_stage] = (counts[v.current_stage] ?? 0) + 1;
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    return counts;
  }
}

function mediaTypeOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return (dot < 0 ? undefined : mediaTypes[key.slice(dot).toLowerCase()]) ?? 'application/octet-stream';
}
