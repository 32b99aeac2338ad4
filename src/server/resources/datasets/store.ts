/**
 * @module server/resources/datasets/store — the datasets' records and the store interface: datasets, their AOIs,
 * label sets (uploaded or fetched from OpenStreetMap, each a GeoJSON blob) and OSM label jobs.
 */
import type { BBox, Polygonal } from '../../../geo/index.ts';
import type { PageRequest } from '../common/paging.ts';
import type { Owned, Viewer } from '../common/viewer.ts';

/** Mask kinds of the chips a dataset trains on. */
export const MASK_KINDS = ['binary', 'multi'] as const;

/** A mask kind. */
export type MaskKind = (typeof MASK_KINDS)[number];

/** A dataset: imagery, zoom levels, mask kind, label offset; its AOIs and labels hang on it. */
export type DatasetRecord = Owned & {
  seq: number;
  id: string;
  name: string;
  description: string;
  /** XYZ/TMS tile URL template or TileJSON URL. */
  imagery: string;
  zooms: number[];
  mask_kind: MaskKind;
  chip_size: number;
  /** Label offset `[east, north]` in EPSG:3857 metres, applied to the labels before training (imagery offset). */
  label_offset: [number, number];
  created_at: Date;
  updated_at: Date;
};

/** What a new dataset is made of. */
export type NewDataset = Omit<DatasetRecord, 'seq' | 'created_at' | 'updated_at'>;

/** Changeable fields of a dataset. */
export type DatasetPatch = Partial<
  Pick<
    DatasetRecord,
    'name' | 'description' | 'imagery' | 'zooms' | 'mask_kind' | 'chip_size' | 'label_offset' | 'private'
  >
>;

/** An area of interest of a dataset. */
export type AoiRecord = {
  seq: number;
  id: string;
  dataset_id: string;
  geometry: Polygonal;
  area_km2: number;
  bbox: BBox;
  created_at: Date;
};

/** Where a label set came from. */
export type LabelSource = 'upload' | 'osm';

/** A set of building labels of a dataset, stored as one GeoJSON blob. */
export type LabelSetRecord = {
  seq: number;
  id: string;
  dataset_id: string;
  source: LabelSource;
  /** Blob URI of the GeoJSON FeatureCollection. */
  uri: string;
  features: number;
  repairs: number;
  skipped: number;
  /** The AOI an OSM fetch covered, else null. */
  aoi_id: string | null;
  created_at: Date;
};

/** Phases of an OSM label job. */
export type LabelJobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** A background fetch of OpenStreetMap buildings for a dataset's AOI(s). */
export type LabelJobRecord = {
  seq: number;
  id: string;
  dataset_id: string;
  /** The AOI fetched, or null for all of the dataset's AOIs. */
  aoi_id: string | null;
  status: LabelJobStatus;
  error: string | null;
  label_set_id: string | null;
  owner_id: string | null;
  created_at: Date;
  ended_at: Date | null;
};

/** Filters of the dataset list. */
export type DatasetListQuery = PageRequest & {
  viewer: Viewer;
  /** Only this owner's datasets. */
  ownerId?: string | undefined;
  /** Only names containing this text (any case). */
  nameContains?: string | undefined;
};

/** Persistence of datasets; one statement per method. */
export interface DatasetStore {
  insertDataset(row: NewDataset): Promise<DatasetRecord>;
  getDataset(id: string): Promise<DatasetRecord | undefined>;
  /** @returns the updated dataset, or undefined when missing */
  updateDataset(id: string, patch: DatasetPatch): Promise<DatasetRecord | undefined>;
  /** Deletes the dataset with its AOIs, label sets and jobs. @returns false when missing */
  deleteDataset(id: string): Promise<boolean>;
  /** Visible datasets, newest first, at most `limit + 1`. */
  listDatasets(query: DatasetListQuery): Promise<DatasetRecord[]>;
  countDatasets(): Promise<number>;
  insertAoi(row: Omit<AoiRecord, 'seq' | 'created_at'>): Promise<AoiRecord>;
  /** The dataset's AOIs, oldest first. */
  listAois(datasetId: string): Promise<AoiRecord[]>;
  /** @returns false when missing */
  deleteAoi(datasetId: string, aoiId: string): Promise<boolean>;
  insertLabelSet(row: Omit<LabelSetRecord, 'seq' | 'created_at'>): Promise<LabelSetRecord>;
  /** The dataset's label sets, oldest first. */
  listLabelSets(datasetId: string): Promise<LabelSetRecord[]>;
  /** @returns the deleted set, or undefined when missing */
  deleteLabelSet(datasetId: string, id: string): Promise<LabelSetRecord | undefined>;
  insertLabelJob(
    row: Pick<LabelJobRecord, 'id' | 'dataset_id' | 'aoi_id' | 'owner_id'>,
  ): Promise<LabelJobRecord>;
  getLabelJob(datasetId: string, id: string): Promise<LabelJobRecord | undefined>;
  /** The dataset's jobs, newest first. */
  listLabelJobs(datasetId: string): Promise<LabelJobRecord[]>;
  /** Records a job's progress or end (`ended_at` set for SUCCEEDED and FAILED). */
  updateLabelJob(
    id: string,
    outcome: { status: LabelJobStatus; error?: string | null; label_set_id?: string | null },
  ): Promise<void>;
  /** Marks jobs of a dataset still QUEUED or RUNNING but created before `createdBefore` FAILED. @returns how many */
  failStaleLabelJobs(datasetId: string, createdBefore: Date, error: string): Promise<number>;
}
