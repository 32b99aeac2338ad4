/**
 * @module server/resources/datasets/service — datasets: imagery (checked with the safe fetching rules), zoom levels,
 * mask kind and label offset; AOIs checked and limited in area; labels uploaded as GeoJSON (checked and repaired by
 * `labels/`) or fetched from OpenStreetMap by a background job; all stored as blobs, counted in the records.
 */
import { randomUUID } from 'node:crypto';
import { bboxOfGeometry, geodesicArea } from '../../../geo/index.ts';
import type { Polygonal } from '../../../geo/index.ts';
import { fetchOsmBuildingsReport, parseAoi, parseLabelGeoJson } from '../../../labels/index.ts';
import type { LabelCollection, LabelLimits } from '../../../labels/index.ts';
import { AppError, invalid, isAppError } from '../../../shared/index.ts';
import { getJson, putJson } from '../../../storage/index.ts';
import type { BlobStore } from '../../../storage/index.ts';
import { checkImagery } from '../common/imagery-check.ts';
import type { ImageryPolicy } from '../common/imagery-check.ts';
import { pageOf } from '../common/paging.ts';
import type { Page, PageRequest } from '../common/paging.ts';
import { assertCanModify, visible } from '../common/viewer.ts';
import type { Viewer } from '../common/viewer.ts';
import type {
  AoiRecord,
  DatasetPatch,
  DatasetRecord,
  DatasetStore,
  LabelJobRecord,
  LabelSetRecord,
  MaskKind,
} from './store.ts';

/** How the OSM label jobs reach Overpass. */
export type OverpassOptions = {
  /** Overpass interpreter URL (config `overpassUrl`). */
  endpoint: string;
  /** Allow an endpoint on a private address (config `allowPrivateNetwork`). */
  allowPrivateNetwork: boolean;
  /** Deadline per attempt, default 180 s. */
  timeoutMs?: number;
  /** Retries after 429/5xx/timeouts, default 3. */
  retries?: number;
  /** First backoff, default 2 s. */
  backoffMs?: number;
};

/** What `createDatasetService` needs. */
export type DatasetServiceOptions = {
  store: DatasetStore;
  blobs: BlobStore;
  imagery: ImageryPolicy;
  overpass: OverpassOptions;
  /** Largest AOI, and largest total of a dataset's AOIs, km² (config `maxAoiKm2`). */
  maxAoiKm2: number;
  /** Most AOIs per dataset, default 50. */
  maxAois?: number;
  /** Most label sets per dataset, default 50. */
  maxLabelSets?: number;
  /** Limits of one label upload, default `labels/`' defaults. */
  labelLimits?: Partial<LabelLimits>;
  /** A job still unfinished after this long is reported FAILED (its process stopped), default 15 minutes. */
  jobStaleAfterMs?: number;
  /** True when trainings use the dataset (it is then not deleted), default never. */
  inUse?: (datasetId: string) => Promise<boolean>;
};

/** A new dataset as the API takes it. */
export type DatasetInput = {
  name: string;
  description: string;
  imagery: string;
  zooms: number[];
  mask_kind: MaskKind;
  chip_size: number;
  label_offset: [number, number];
  private: boolean;
};

/** An uploaded label set and what the import repaired. */
export type LabelUpload = { labelSet: LabelSetRecord; repairNotes: string[] };

/** What a training is built from: the dataset, its AOIs and its label sets. */
export type DatasetMaterial = { dataset: DatasetRecord; aois: AoiRecord[]; labelSets: LabelSetRecord[] };

/** The datasets' logic; every method checks access for the viewer. */
export interface DatasetService {
  /** @throws AppError INVALID_PARAMETER_VALUE for bad imagery (naming the field) */
  create(viewer: Viewer & { userId: string }, input: DatasetInput): Promise<DatasetRecord>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST (also for private datasets of others) */
  get(viewer: Viewer, id: string): Promise<DatasetRecord>;
  list(
    viewer: Viewer,
    query: PageRequest & { ownerId?: string | undefined; nameContains?: string | undefined },
  ): Promise<Page<DatasetRecord>>;
  /** @throws AppError PERMISSION_DENIED for others' datasets */
  update(viewer: Viewer, id: string, patch: DatasetPatch): Promise<DatasetRecord>;
  /** Deletes the dataset, its AOIs, label sets (and their blobs) and jobs. @throws AppError CONFLICT when trained on */
  remove(viewer: Viewer, id: string): Promise<void>;
  /** @throws AppError LIMIT_EXCEEDED when the AOI or the dataset's total is over the area limit */
  addAoi(viewer: Viewer, id: string, geojson: unknown): Promise<AoiRecord>;
  listAois(viewer: Viewer, id: string): Promise<AoiRecord[]>;
  removeAoi(viewer: Viewer, id: string, aoiId: string): Promise<void>;
  /** @throws AppError INVALID_PARAMETER_VALUE naming the bad feature; LIMIT_EXCEEDED over the upload limits */
  uploadLabels(viewer: Viewer, id: string, geojson: unknown): Promise<LabelUpload>;
  listLabelSets(viewer: Viewer, id: string): Promise<LabelSetRecord[]>;
  removeLabelSet(viewer: Viewer, id: string, setId: string): Promise<void>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown set */
  getLabelSet(viewer: Viewer, id: string, setId: string): Promise<LabelSetRecord>;
  /** The features of a label set. */
  readLabels(labelSet: LabelSetRecord): Promise<LabelCollection>;
  /** Starts fetching OpenStreetMap buildings of one AOI (default all) as a background job. */
  startOsmFetch(viewer: Viewer, id: string, aoiId: string | undefined): Promise<LabelJobRecord>;
  getLabelJob(viewer: Viewer, id: string, jobId: string): Promise<LabelJobRecord>;
  listLabelJobs(viewer: Viewer, id: string): Promise<LabelJobRecord[]>;
  /** The dataset with its AOIs and label sets, for a training. */
  material(viewer: Viewer, id: string): Promise<DatasetMaterial>;
  count(): Promise<number>;
  /** Aborts running jobs and waits for them. */
  close(): Promise<void>;
}

/**
 * Creates the dataset service.
 * @param options - store, blob store, imagery policy, Overpass, limits
 * @returns the service
 */
export function createDatasetService(options: DatasetServiceOptions): DatasetService {
  return new Datasets(options);
}

class Datasets implements DatasetService {
  readonly #o: DatasetServiceOptions;
  readonly #jobs = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(options: DatasetServiceOptions) {
    this.#o = options;
  }

  async create(viewer: Viewer & { userId: string }, input: DatasetInput): Promise<DatasetRecord> {
    await checkImagery(input.imagery, this.#o.imagery);
    return this.#o.store.insertDataset({
      id: randomUUID(),
      ...input,
      zooms: distinctSorted(input.zooms),
      owner_id: viewer.userId,
    });
  }

  async get(viewer: Viewer, id: string): Promise<DatasetRecord> {
    return visible(viewer, await this.#o.store.getDataset(id), `dataset ${id}`);
  }

  async list(
    viewer: Viewer,
    query: PageRequest & { ownerId?: string | undefined; nameContains?: string | undefined },
  ): Promise<Page<DatasetRecord>> {
    const rows = await this.#o.store.listDatasets({ ...query, viewer });
    return pageOf(rows, query.limit, (row) => row);
  }

  async update(viewer: Viewer, id: string, patch: DatasetPatch): Promise<DatasetRecord> {
    await this.#modifiable(viewer, id);
    if (patch.imagery !== undefined) await checkImagery(patch.imagery, this.#o.imagery);
    const next = patch.zooms === undefined ? patch : { ...patch, zooms: distinctSorted(patch.zooms) };
    const updated = await this.#o.store.updateDataset(id, next);
    if (updated === undefined) throw new AppError('RESOURCE_DOES_NOT_EXIST', `dataset ${id} does not exist`);
    return updated;
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    await this.#modifiable(viewer, id);
    if ((await this.#o.inUse?.(id)) === true)
      throw new AppError('CONFLICT', `dataset ${id} has trainings: it is kept as their lineage`);
    const sets = await this.#o.store.listLabelSets(id);
    this.#jobs.forEach((job, jobId) => jobId.startsWith(`${id}/`) && job.controller.abort());
    await this.#o.store.deleteDataset(id);
    await Promise.all(sets.map((set) => this.#deleteBlob(set.uri)));
  }

  async addAoi(viewer: Viewer, id: string, geojson: unknown): Promise<AoiRecord> {
    await this.#modifiable(viewer, id);
    const geometry = parseAoi(JSON.stringify(geojson), { maxAreaKm2: this.#o.maxAoiKm2 });
    const areaKm2 = geodesicArea(geometry) / 1e6;
    const existing = await this.#o.store.listAois(id);
    if (existing.length >= (this.#o.maxAois ?? 50))
      throw new AppError(
        'LIMIT_EXCEEDED',
        `dataset ${id} already has ${existing.length} AOIs, the most allowed`,
      );
    const total = existing.reduce((sum, aoi) => sum + aoi.area_km2, areaKm2);
    if (total > this.#o.maxAoiKm2)
      throw new AppError(
        'LIMIT_EXCEEDED',
        `AOIs of dataset ${id} would cover ${total.toPrecision(3)} km², over the limit of ${this.#o.maxAoiKm2} km²`,
        { areaKm2: total, maxAreaKm2: this.#o.maxAoiKm2 },
      );
    return this.#o.store.insertAoi({
      id: randomUUID(),
      dataset_id: id,
      geometry,
      area_km2: areaKm2,
      bbox: bboxOfGeometry(geometry),
    });
  }

  async listAois(viewer: Viewer, id: string): Promise<AoiRecord[]> {
    await this.get(viewer, id);
    return this.#o.store.listAois(id);
  }

  async removeAoi(viewer: Viewer, id: string, aoiId: string): Promise<void> {
    await this.#modifiable(viewer, id);
    if (!(await this.#o.store.deleteAoi(id, aoiId)))
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `AOI ${aoiId} of dataset ${id} does not exist`);
  }

  async uploadLabels(viewer: Viewer, id: string, geojson: unknown): Promise<LabelUpload> {
    await this.#modifiable(viewer, id);
    await this.#assertRoomForLabels(id);
    const parsed = parseLabelGeoJson(JSON.stringify(geojson), this.#o.labelLimits ?? {});
    if (parsed.labels.features.length === 0) invalid('labels have no building polygon');
    const labelSet = await this.#storeLabels(id, 'upload', parsed.labels, {
      repairs: parsed.repairs,
      skipped: parsed.skipped,
      aoiId: null,
    });
    return { labelSet, repairNotes: parsed.repairNotes };
  }

  async listLabelSets(viewer: Viewer, id: string): Promise<LabelSetRecord[]> {
    await this.get(viewer, id);
    return this.#o.store.listLabelSets(id);
  }

  async removeLabelSet(viewer: Viewer, id: string, setId: string): Promise<void> {
    await this.#modifiable(viewer, id);
    const removed = await this.#o.store.deleteLabelSet(id, setId);
    if (removed === undefined)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `label set ${setId} of dataset ${id} does not exist`);
    await this.#deleteBlob(removed.uri);
  }

  async getLabelSet(viewer: Viewer, id: string, setId: string): Promise<LabelSetRecord> {
    const set = (await this.listLabelSets(viewer, id)).find((s) => s.id === setId);
    if (set === undefined)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `label set ${setId} of dataset ${id} does not exist`);
    return set;
  }

  async readLabels(labelSet: LabelSetRecord): Promise<LabelCollection> {
    return (await getJson(this.#o.blobs, this.#o.blobs.keyOf(labelSet.uri))) as LabelCollection;
  }

  async startOsmFetch(viewer: Viewer, id: string, aoiId: string | undefined): Promise<LabelJobRecord> {
    await this.#modifiable(viewer, id);
    await this.#assertRoomForLabels(id);
    const aois = (await this.#o.store.listAois(id)).filter((a) => aoiId === undefined || a.id === aoiId);
    if (aoiId !== undefined && aois.length === 0)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `AOI ${aoiId} of dataset ${id} does not exist`);
    if (aois.length === 0) invalid(`dataset ${id} has no AOI: add one before fetching OpenStreetMap labels`);
    const job = await this.#o.store.insertLabelJob({
      id: randomUUID(),
      dataset_id: id,
      aoi_id: aoiId ?? null,
      owner_id: viewer.userId,
    });
    const controller = new AbortController();
    const key = `${id}/${job.id}`;
    const done = this.#runOsmJob(job, aois, controller.signal).finally(() => this.#jobs.delete(key));
    this.#jobs.set(key, { controller, done });
    return job;
  }

  async getLabelJob(viewer: Viewer, id: string, jobId: string): Promise<LabelJobRecord> {
    await this.get(viewer, id);
    await this.#failStale(id);
    const job = await this.#o.store.getLabelJob(id, jobId);
    if (job === undefined)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `label job ${jobId} of dataset ${id} does not exist`);
    return job;
  }

  async listLabelJobs(viewer: Viewer, id: string): Promise<LabelJobRecord[]> {
    await this.get(viewer, id);
    await this.#failStale(id);
    return this.#o.store.listLabelJobs(id);
  }

  async material(viewer: Viewer, id: string): Promise<DatasetMaterial> {
    const dataset = await this.get(viewer, id);
    const [aois, labelSets] = await Promise.all([
      this.#o.store.listAois(id),
      this.#o.store.listLabelSets(id),
    ]);
    return { dataset, aois, labelSets };
  }

  count(): Promise<number> {
    return this.#o.store.countDatasets();
  }

  async close(): Promise<void> {
    const running = [...this.#jobs.values()];
    for (const job of running) job.controller.abort();
    await Promise.allSettled(running.map((job) => job.done));
  }

  async #modifiable(viewer: Viewer, id: string): Promise<DatasetRecord> {
    const dataset = await this.get(viewer, id);
    assertCanModify(viewer, dataset, `dataset ${id}`);
    return dataset;
  }

  async #assertRoomForLabels(id: string): Promise<void> {
    const count = (await this.#o.store.listLabelSets(id)).length;
    if (count >= (this.#o.maxLabelSets ?? 50))
      throw new AppError(
        'LIMIT_EXCEEDED',
        `dataset ${id} already has ${count} label sets, the most allowed: delete some first`,
      );
  }

  async #storeLabels(
    datasetId: string,
    source: 'upload' | 'osm',
    labels: LabelCollection,
    facts: { repairs: number; skipped: number; aoiId: string | null },
  ): Promise<LabelSetRecord> {
    const id = randomUUID();
    const stored = await putJson(this.#o.blobs, `datasets/${datasetId}/labels/${id}.geojson`, labels);
    return this.#o.store.insertLabelSet({
      id,
      dataset_id: datasetId,
      source,
      uri: stored.uri,
      features: labels.features.length,
      repairs: facts.repairs,
      skipped: facts.skipped,
      aoi_id: facts.aoiId,
    });
  }

  async #runOsmJob(job: LabelJobRecord, aois: AoiRecord[], signal: AbortSignal): Promise<void> {
    const { store } = this.#o;
    try {
      await store.updateLabelJob(job.id, { status: 'RUNNING' });
      const only = aois.length === 1 ? aois[0] : undefined;
      const area = only === undefined ? unionOf(aois, this.#o.maxAoiKm2) : only.geometry;
      const report = await fetchOsmBuildingsReport(area, {
        ...this.#o.overpass,
        maxAreaKm2: this.#o.maxAoiKm2,
        signal,
      });
      const skipped = Object.values(report.skipped).reduce((sum, n) => sum + n, 0);
      const labelSet = await this.#storeLabels(job.dataset_id, 'osm', report.labels, {
        repairs: 0,
        skipped,
        aoiId: job.aoi_id,
      });
      await store.updateLabelJob(job.id, { status: 'SUCCEEDED', label_set_id: labelSet.id });
    } catch (error) {
      const message = isAppError(error) ? error.message : 'fetching OpenStreetMap buildings failed';
      await store
        .updateLabelJob(job.id, { status: 'FAILED', error: signal.aborted ? 'stopped' : message })
        .catch(() => undefined);
    }
  }

  async #failStale(id: string): Promise<void> {
    const before = new Date(Date.now() - (this.#o.jobStaleAfterMs ?? 15 * 60_000));
    await this.#o.store.failStaleLabelJobs(id, before, 'interrupted: the server running it stopped');
  }

  async #deleteBlob(uri: string): Promise<void> {
    await this.#o.blobs.delete(this.#o.blobs.keyOf(uri)).catch(() => undefined);
  }
}

/** One area of several AOIs (overlaps unioned), as `labels/` reads AOIs. */
export function unionOf(aois: readonly AoiRecord[], maxAreaKm2: number): Polygonal {
  const collection = {
    type: 'FeatureCollection',
    features: aois.map((a) => ({ type: 'Feature', properties: {}, geometry: a.geometry })),
  };
  return parseAoi(JSON.stringify(collection), { maxAreaKm2 });
}

function distinctSorted(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
