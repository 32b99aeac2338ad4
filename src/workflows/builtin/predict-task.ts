/**
 * @module workflows/builtin/predict-task — `predict@1`: a model folder of the store over imagery and an area →
 * building polygons (`predictions.geojson`) and a preview picture, stored under the attempt's prefix.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { PredictResult } from '../../predict/index.ts';
import { downloadPrefix } from '../../storage/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskContext } from '../task-definition.ts';
import { attemptKey, logProgress, readArea, uploadFile } from './task-io.ts';
import {
  areaSchema,
  buildingSettingsShape,
  blobUriSchema,
  imagerySchema,
  minAreaSchema,
  prefixUriSchema,
  recordSchema,
  zoomSchema,
} from './task-schemas.ts';

const inputs = z.object({
  model_dir: prefixUriSchema.describe('URI of a model folder (model.onnx + model.json)'),
  imagery: imagerySchema,
  aoi: areaSchema.optional().describe('area to predict (default: every chip of a chip folder)'),
  zoom: zoomSchema.optional().describe('tile zoom (default: the chips’ zoom, else 19)'),
  ...buildingSettingsShape,
  area: minAreaSchema,
  preview: z.boolean().default(true).describe('also store a PNG of the imagery with the buildings drawn'),
});

const outputs = z.object({
  predictions: blobUriSchema.describe('URI of predictions.geojson'),
  preview: blobUriSchema.nullable().describe('URI of preview.png, or null'),
  features: z.number().int().describe('buildings predicted'),
  tiles: z.number().int().describe('tiles read'),
  seconds: z.number().describe('wall time of the prediction'),
  dropped_small: z.number().int().describe('buildings dropped as smaller than area'),
  dropped_conflated: z.number().int().describe('buildings dropped as already mapped'),
  summary: recordSchema.describe('the full prediction summary (counts, timings, model)'),
});

type Inputs = z.infer<typeof inputs>;
type Outputs = z.infer<typeof outputs>;

/** Largest side of the preview picture, pixels. */
const PREVIEW_SIZE = 1024;

/** `predict@1`: predicts building polygons over an area with a stored model. */
export const predictTask = defineTask({
  name: 'predict',
  version: '1',
  description:
    'Predicts building polygons over an area with a model folder; stores GeoJSON and a preview picture.',
  inputs,
  outputs,
  retries: { retries: 1, backoffMs: 5000 },
  timeoutMs: 6 * 3_600_000,
  resources: { cpu: 2, memoryMb: 4096 },
  run: predictRun,
});

async function predictRun(input: Inputs, context: TaskContext): Promise<Outputs> {
  const { config } = context;
  const [predict, imageryModule] = await Promise.all([
    import('../../predict/index.ts'),
    import('../../imagery/index.ts'),
  ]);
  const modelDir = join(context.workDir, 'model');
  await downloadPrefix(context.blobs, input.model_dir, modelDir);
  const area = input.aoi === undefined ? undefined : await readArea(input.aoi, config.maxAoiKm2);
  // Imagery trust comes from the worker's configuration only: task inputs never widen it.
  const imagery = await imageryModule.openImagerySource(input.imagery, {
    allowPrivateNetwork: config.allowPrivateNetwork,
    cacheDir: config.tileCacheDir,
  });
  const path = join(context.workDir, 'predictions.geojson');
  const writer = await predict.createGeoJsonWriter(path, {
    foreign: { fair: { model: input.model_dir, imagery: imagery.label } },
  });
  let result: PredictResult;
  try {
    result = await predict.predictBuildings({
      model: modelDir,
      imagery,
      ...(area === undefined ? {} : { area }),
      ...(input.zoom === undefined ? {} : { zoom: input.zoom }),
      ...(input.confidence === undefined ? {} : { confidence: input.confidence }),
      toleranceM: input.tolerance,
      minAreaM2: input.area,
      orthogonalize: input.orthogonalize,
      maxAreaKm2: config.maxAoiKm2,
      ...(input.preview ? { previewMaxSize: PREVIEW_SIZE } : {}),
      progress: logProgress(context.log),
      signal: context.signal,
      onFeature: (feature) => writer.write(feature),
    });
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.close();
  return storePrediction(result, path, context);
}

async function storePrediction(result: PredictResult, path: string, context: TaskContext): Promise<Outputs> {
  const { blobs } = context;
  const predictions = await uploadFile(
    blobs,
    path,
    attemptKey(context, 'predictions.geojson'),
    'application/geo+json',
  );
  let preview: string | null = null;
  if (result.preview !== undefined) {
    const stored = await blobs.put(attemptKey(context, 'preview.png'), result.preview, {
      contentType: 'image/png',
    });
    preview = stored.uri;
  }
  const s = result.summary;
  context.log(`${s.features} buildings from ${s.tiles} tiles at zoom ${s.zoom} in ${s.seconds.toFixed(1)} s`);
  return {
    predictions,
    preview,
    features: s.features,
    tiles: s.tiles,
    seconds: s.seconds,
    dropped_small: s.dropped_small,
    dropped_conflated: s.dropped_conflated,
    summary: JSON.parse(JSON.stringify(s)) as Outputs['summary'],
  };
}
