/**
 * @module workflows/builtin/prepare-dataset-task — `prepare_dataset@1`: imagery + area + building labels → a dataset
 * folder (chips, masks, `dataset.json`, STAC item) uploaded under the attempt's prefix.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { bboxOfGeometry } from '../../geo/index.ts';
import type { Polygonal } from '../../geo/index.ts';
import type { ImagerySource } from '../../imagery/index.ts';
import type { LabelCollection } from '../../labels/index.ts';
import { AppError, invalid } from '../../shared/index.ts';
import { uploadDirectory } from '../../storage/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskContext } from '../task-definition.ts';
import { attemptKey, logProgress, readArea } from './task-io.ts';
import { areaSchema, blobUriSchema, imagerySchema, prefixUriSchema, zoomSchema } from './task-schemas.ts';

const inputs = z.object({
  imagery: imagerySchema,
  aoi: areaSchema
    .optional()
    .describe('area of interest (default: every chip of a chip folder, or the labels’ extent)'),
  labels: z
    .string()
    .min(1)
    .describe(
      'building footprints: a blob URI or file path of a GeoJSON FeatureCollection (EPSG:4326), or `osm` to fetch the buildings of the area from OpenStreetMap',
    ),
  zoom: z
    .union([zoomSchema, z.array(zoomSchema).min(1)])
    .describe('zoom level of the chips, or several (e.g. [19, 20])'),
  mask: z
    .enum(['binary', 'multi'])
    .default('binary')
    .describe('mask kind: binary (building) or multi (footprint, boundary, contact)'),
  chip_size: z.number().int().min(8).max(4096).default(256).describe('chip size in pixels (the model input)'),
  offset: z
    .tuple([z.number(), z.number()])
    .optional()
    .describe('label offset [east, north] in metres (default [0, 0])'),
});

const outputs = z.object({
  dataset: prefixUriSchema.describe('URI of the dataset folder (chips, masks, dataset.json, stac-item.json)'),
  chips: z.number().int().describe('chips in the dataset'),
  chips_with_buildings: z.number().int().describe('chips with at least one building'),
  stac_item: blobUriSchema.describe('URI of the dataset’s STAC item'),
});

type Inputs = z.infer<typeof inputs>;

/** `prepare_dataset@1`: cuts imagery into chips with masks and stores the dataset folder (retried on tile failures). */
export const prepareDatasetTask = defineTask({
  name: 'prepare_dataset',
  version: '1',
  description:
    'Cuts imagery into chips and rasterizes building labels into masks; stores the dataset folder with its STAC item.',
  inputs,
  outputs,
  retries: { retries: 2, backoffMs: 5000 },
  timeoutMs: 2 * 3_600_000,
  resources: { cpu: 1, memoryMb: 2048 },
  run: prepareDatasetRun,
});

async function prepareDatasetRun(input: Inputs, context: TaskContext): Promise<z.infer<typeof outputs>> {
  const { config } = context;
  const { prepareDataset } = await import('../../datasets/index.ts');
  const given = input.aoi === undefined ? undefined : await readArea(input.aoi, config.maxAoiKm2);
  // Imagery trust comes from the worker's configuration only: task inputs never widen it.
  const imagery = await (
    await import('../../imagery/index.ts')
  ).openImagerySource(input.imagery, {
    allowPrivateNetwork: config.allowPrivateNetwork,
    cacheDir: config.tileCacheDir,
  });
  const labels = await readLabels(input.labels, imagery, given, context);
  const aoi =
    given ?? (imagery.listTiles() === undefined ? await labelsExtent(labels, config.maxAoiKm2) : undefined);
  const out = join(context.workDir, 'dataset');
  const zooms = Array.isArray(input.zoom) ? input.zoom : [input.zoom];
  context.log(`preparing ${input.mask} dataset from ${imagery.label} at zoom ${zooms.join(',')}`);
  const manifest = await prepareDataset({
    imagery,
    labels,
    ...(aoi === undefined ? {} : { aoi }),
    zooms,
    out,
    maskKind: input.mask,
    chipSize: input.chip_size,
    ...(input.offset === undefined ? {} : { offset: input.offset }),
    progress: logProgress(context.log),
    signal: context.signal,
  });
  const uploaded = await uploadDirectory(context.blobs, out, attemptKey(context, 'dataset'));
  context.log(`stored ${uploaded.files} files (${uploaded.bytes} bytes) at ${uploaded.uri}`);
  return {
    dataset: uploaded.uri,
    chips: manifest.chips.length,
    chips_with_buildings: manifest.chips.filter((c) => c.buildings > 0).length,
    stac_item: context.blobs.uriOf(attemptKey(context, 'dataset', 'stac-item.json')),
  };
}

/** Labels from OSM, a blob of the store, or a local file. */
async function readLabels(
  spec: string,
  imagery: ImagerySource,
  aoi: Polygonal | undefined,
  context: TaskContext,
): Promise<LabelCollection> {
  const labels = await import('../../labels/index.ts');
  const { config, blobs } = context;
  if (spec === 'osm') {
    const listed = imagery.listTiles();
    const area =
      aoi ??
      (listed === undefined ? undefined : (await import('../../datasets/index.ts')).extentOfTiles(listed));
    if (area === undefined) invalid(`labels osm with a tile server (${imagery.label}) needs an aoi`);
    context.log(`fetching OpenStreetMap buildings from ${config.overpassUrl}`);
    return labels.fetchOsmBuildings(area, {
      endpoint: config.overpassUrl,
      allowPrivateNetwork: config.allowPrivateNetwork,
      maxAreaKm2: config.maxAoiKm2,
      signal: context.signal,
    });
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) {
    if (/^https?:/i.test(spec))
      invalid(`labels ${spec} must be a blob URI of the store, a file path or osm, not a web URL`);
    const key = blobs.keyOf(spec);
    const info = await blobs.head(key);
    if (info === undefined) throw new AppError('RESOURCE_DOES_NOT_EXIST', `labels ${spec} do not exist`);
    // Checked before reading, as for label files: the whole text is parsed in memory.
    if (info.size > labels.defaultLabelLimits.maxBytes)
      throw new AppError(
        'LIMIT_EXCEEDED',
        `labels ${spec} have ${info.size} bytes, over the limit of ${labels.defaultLabelLimits.maxBytes} bytes`,
      );
    return labels.parseLabelGeoJson((await blobs.getBytes(key)).toString('utf8')).labels;
  }
  return (await labels.readLabelFile(spec)).labels;
}

/** The area of a tile server given labels but no AOI: the labels' extent, within the area limit. */
async function labelsExtent(labels: LabelCollection, maxAreaKm2: number): Promise<Polygonal> {
  const { assertAoiArea, bboxToPolygon } = await import('../../labels/index.ts');
  if (labels.features.length === 0) invalid('aoi is needed: the labels are empty');
  const extent = bboxToPolygon(
    labels.features
      .map((f) => bboxOfGeometry(f.geometry))
      .reduce((a, b) => [
        Math.min(a[0], b[0]),
        Math.min(a[1], b[1]),
        Math.max(a[2], b[2]),
        Math.max(a[3], b[3]),
      ]),
  );
  assertAoiArea(extent, maxAreaKm2);
  return extent;
}
