/**
 * @module datasets/prepare-dataset — turns imagery + building labels into a dataset folder (issue 2 §5): for each
 * zoom the tiles covering the AOI become image chips and mask chips of the same size, with `dataset.json`, the labels
 * GeoJSON and a STAC Item beside them.
 */
import { join } from 'node:path';
import { bboxesIntersect, bboxOfGeometry, offsetGeometry, type Polygonal, type Tile } from '../geo/index.ts';
import { readTiles, type ImagerySource, type RasterRGB } from '../imagery/index.ts';
import type { LabelCollection } from '../labels/index.ts';
import { AppError, invalid, silentProgress, type Progress } from '../shared/index.ts';
import { buildMask, resolveMaskOptions, type BuildMaskOptions } from './build-mask.ts';
import { chipId, frameBounds, framesOfTile, splitTile, unionBBox } from './chip-frame.ts';
import { cutTile, writeChipPng, writeMaskPng } from './chip-raster.ts';
import { DatasetLayout, openDatasetFolder, type DatasetWriter } from './dataset-folder.ts';
import { datasetStacItem, LABEL_CLASS, LABEL_CLASS_PROPERTY } from './dataset-stac-item.ts';
import { failingFast } from './fail-fast-source.ts';
import { buildingsInFrame, createLabelIndex, type LabelIndex } from './label-index.ts';
import { classesOf, type ChipEntry, type DatasetManifest, type MaskKind } from './manifest.ts';
import { DEFAULT_MAX_TILES, planTiles } from './plan-tiles.ts';
import { bboxPolygon } from '../geo/index.ts';

/** Options of `prepareDataset`. */
export type PrepareDatasetOptions = {
  /** Where the chips come from (opened with `openImagerySource`). */
  imagery: ImagerySource;
  /** Building footprints in EPSG:4326. */
  labels: LabelCollection;
  /** Area of interest; default: every chip of a folder source, or the labels' extent for a tile server. */
  aoi?: Polygonal;
  /** Zoom levels to read (e.g. `[19]` or `[19, 20]`). */
  zooms: number[];
  /** Output folder: created when missing; must be empty or hold an earlier fAIr dataset. */
  out: string;
  /** Label offset `[dx, dy]` in EPSG:3857 metres (east, north), default `[0, 0]`. */
  offset?: [number, number];
  /** Mask kind, default `binary`. */
  maskKind?: MaskKind;
  /** Chip size in pixels (the model input), default 256. */
  chipSize?: number;
  /** Resample each tile to one chip instead of splitting larger tiles into windows, default false. */
  resample?: boolean;
  /** Boundary width in pixels (multi masks), default 2. */
  boundaryWidth?: number;
  /** Contact spacing in pixels (multi masks), default 4. */
  contactSpacing?: number;
  /** Tiles read and chips written at once, default 4. */
  concurrency?: number;
  /** Refuse AOIs needing more tiles than this, default 100,000. */
  maxTiles?: number;
  /** Progress in tiles. */
  progress?: Progress;
  /** Cancels the work; the folder is then left as it was found. */
  signal?: AbortSignal;
};

type Settings = {
  chipSize: number;
  resample: boolean;
  offset: [number, number];
  mask: Required<BuildMaskOptions>;
  concurrency: number;
};

/**
 * Prepares a dataset folder: `chips/<id>.png` (RGB), `masks/<id>.png` (single band, class values), `labels.geojson`
 * (the labels as rasterized, offset applied), `stac-item.json` and, written last, `dataset.json`. Tiles larger than
 * `chipSize` are split into `chipSize` windows at their own resolution (the 512 px Banepa chips give four 256 px
 * chips each) unless `resample` is set. Masks follow the tile grid exactly (pixel → tile fraction at the chip's zoom).
 * @param options - imagery, labels, zooms, output folder and the options above
 * @returns the manifest written to `dataset.json`
 * @throws AppError INVALID_PARAMETER_VALUE for bad options, no tiles, or a tile that is not square;
 *   AppError CONFLICT when `out` holds something other than a fAIr dataset; AppError LIMIT_EXCEEDED for an AOI over
 *   `maxTiles`; AppError UPSTREAM_FAILURE naming the tiles that could not be read; the abort reason when cancelled
 * @example
 * const imagery = await openImagerySource('../shared/data/banepa/train/oam');
 * const { labels } = await readLabelFile('../shared/data/banepa/train/osm/osm_features_ac7e343eb1faacd2.geojson');
 * const manifest = await prepareDataset({ imagery, labels, zooms: [19], out: 'datasets/banepa' });
 */
export async function prepareDataset(options: PrepareDatasetOptions): Promise<DatasetManifest> {
  const settings = resolveSettings(options);
  const { imagery, labels, signal } = options;
  const progress = options.progress ?? silentProgress;
  const geometries = labels.features.map((f) => f.geometry);
  const area = options.aoi ?? (imagery.listTiles() === undefined ? labelsExtent(geometries) : undefined);
  const tiles = planTiles(imagery, area, options.zooms, options.maxTiles ?? DEFAULT_MAX_TILES);
  signal?.throwIfAborted();
  const writer = await openDatasetFolder(options.out);
  try {
    const indexes = new Map(
      [...new Set(tiles.map((t) => t.z))].map(
        (z) => [z, createLabelIndex(geometries, z, settings.offset)] as const,
      ),
    );
    progress.start(tiles.length, 'tiles');
    const chips = await writeChips(imagery, tiles, indexes, writer, settings, progress, signal);
    progress.done(`${chips.length} chips`);
    const manifest = manifestOf(options, settings, chips, tiles);
    const used = labelsInBounds(labels, settings.offset, manifest);
    const stacItem = datasetStacItem(manifest, { buildings: used.features.length });
    await writer.commit({ manifest, stacItem, labels: used });
    return manifest;
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}

function resolveSettings(options: PrepareDatasetOptions): Settings {
  const chipSize = options.chipSize ?? 256;
  if (!Number.isInteger(chipSize) || chipSize < 8 || chipSize > 4096)
    invalid(`chip size ${chipSize} is not an integer 8..4096`);
  const offset = options.offset ?? [0, 0];
  if (offset.length !== 2 || !offset.every((v) => Number.isFinite(v) && Math.abs(v) <= 1000))
    invalid(`label offset ${JSON.stringify(offset)} is not two numbers of metres within ±1000`);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    invalid(`concurrency ${concurrency} is not an integer 1..64`);
  const mask = resolveMaskOptions({
    ...(options.maskKind === undefined ? {} : { kind: options.maskKind }),
    ...(options.boundaryWidth === undefined ? {} : { boundaryWidth: options.boundaryWidth }),
    ...(options.contactSpacing === undefined ? {} : { contactSpacing: options.contactSpacing }),
  });
  if (!Array.isArray(options.labels?.features)) invalid('labels are not a GeoJSON FeatureCollection');
  return { chipSize, resample: options.resample ?? false, offset: [offset[0], offset[1]], mask, concurrency };
}

/** Reads tiles concurrently; each tile's chips and masks are built as it arrives and written in the background. */
async function writeChips(
  imagery: ImagerySource,
  tiles: Tile[],
  indexes: Map<number, LabelIndex>,
  writer: DatasetWriter,
  settings: Settings,
  progress: Progress,
  signal: AbortSignal | undefined,
): Promise<ChipEntry[]> {
  const entries: ChipEntry[] = [];
  const pending = new Set<Promise<void>>();
  const stop = new AbortController();
  const stopped = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const source = failingFast(imagery, stop);
  try {
    for await (const { tile, image } of readTiles(source, tiles, {
      concurrency: settings.concurrency,
      signal: stopped,
    })) {
      stopped.throwIfAborted();
      const index = indexes.get(tile.z) as LabelIndex;
      const written = chipsOfTile(tile, image, index, writer.dir, settings).then((chips) => {
        entries.push(...chips);
        progress.tick(1);
      });
      track(pending, written);
      while (pending.size >= settings.concurrency * 2) await Promise.race(pending);
    }
    await Promise.all(pending);
  } catch (error) {
    await Promise.allSettled(pending);
    throw error;
  }
  return entries.sort(compareEntries);
}

function track(pending: Set<Promise<void>>, work: Promise<void>): void {
  const settled = work.finally(() => pending.delete(settled));
  // Failures surface through Promise.race/Promise.all above; this branch only keeps Node from reporting them twice.
  settled.catch(() => undefined);
  pending.add(settled);
}

async function chipsOfTile(
  tile: Tile,
  image: RasterRGB,
  index: LabelIndex,
  dir: string,
  settings: Settings,
): Promise<ChipEntry[]> {
  const split = splitTile(image.width, settings.chipSize, settings.resample);
  const rasters = await cutTile(tile, image, split);
  const frames = framesOfTile(tile, split, settings.chipSize);
  const margin =
    settings.mask.kind === 'multi' ? Math.max(settings.mask.boundaryWidth, settings.mask.contactSpacing) : 0;
  const writes = frames.map(async (frame, i) => {
    const buildings = buildingsInFrame(index, frame, margin);
    const built = buildMask(buildings, frame.size, frame.size, settings.mask);
    const id = chipId(frame);
    const entry: ChipEntry = {
      id,
      tile,
      ...(frame.window ? { window: frame.window } : {}),
      bounds: frameBounds(frame),
      image: `${DatasetLayout.chips}/${id}.png`,
      mask: `${DatasetLayout.masks}/${id}.png`,
      buildings: built.buildings,
    };
    await Promise.all([
      writeChipPng(join(dir, entry.image), rasters[i] as RasterRGB),
      writeMaskPng(join(dir, entry.mask), built.mask, frame.size),
    ]);
    return entry;
  });
  return Promise.all(writes);
}

function compareEntries(a: ChipEntry, b: ChipEntry): number {
  return (
    a.tile.z - b.tile.z ||
    a.tile.y - b.tile.y ||
    a.tile.x - b.tile.x ||
    (a.window?.row ?? 0) - (b.window?.row ?? 0) ||
    (a.window?.col ?? 0) - (b.window?.col ?? 0)
  );
}

function manifestOf(
  options: PrepareDatasetOptions,
  settings: Settings,
  chips: ChipEntry[],
  tiles: Tile[],
): DatasetManifest {
  const bounds = unionBBox(chips.map((c) => c.bounds));
  if (bounds === undefined)
    throw new AppError('INTERNAL_ERROR', `no chip was written for ${tiles.length} tiles`);
  return {
    format: 'fair-dataset',
    version: 1,
    created: new Date().toISOString(),
    chipSize: settings.chipSize,
    maskKind: settings.mask.kind,
    classes: classesOf(settings.mask.kind),
    zooms: [...new Set(tiles.map((t) => t.z))].sort((a, b) => a - b),
    offset: settings.offset,
    imagery: options.imagery.label,
    boundaryWidth: settings.mask.boundaryWidth,
    contactSpacing: settings.mask.contactSpacing,
    bounds,
    chips,
  };
}

function labelsExtent(geometries: readonly Polygonal[]): Polygonal {
  const bbox = unionBBox(geometries.map(bboxOfGeometry));
  if (bbox === undefined) invalid('no AOI given and no labels to take an extent from: pass an AOI');
  return bboxPolygon(bbox);
}

/**
 * The labels (offset applied) whose extent meets the dataset bounds, as written to `labels.geojson`, each with
 * `class: building` added (the Label extension's class property; other properties are kept).
 */
function labelsInBounds(
  labels: LabelCollection,
  offset: [number, number],
  manifest: DatasetManifest,
): LabelCollection {
  const features: LabelCollection['features'] = [];
  for (const feature of labels.features) {
    const geometry = offsetGeometry(feature.geometry, offset);
    if (!bboxesIntersect(bboxOfGeometry(geometry), manifest.bounds)) continue;
    features.push({
      ...feature,
      geometry,
      properties: { ...feature.properties, [LABEL_CLASS_PROPERTY]: LABEL_CLASS },
    });
  }
  return { type: 'FeatureCollection', features };
}
