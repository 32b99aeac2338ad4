/**
 * @module predict/predict-buildings — the prediction pipeline of issue 4: imagery + area + model → building polygons,
 * streamed. fetch (ahead, bounded) → window input → onnxruntime (batches) → blend onto one pixel grid → instances found
 * row band by row band → polygons → simplify/square/filter → area, conflation → writer. Memory is bounded by one stripe
 * of rows, whatever the area.
 */
import type { Polygon } from 'geojson';
import { metresPerPixel, polygonsOf, tileBounds, tileToLonLat } from '../geo/index.ts';
import type { Polygonal, Tile } from '../geo/index.ts';
import type { ImagerySource } from '../imagery/index.ts';
import { bboxToPolygon } from '../labels/index.ts';
import { callerNormalization, createInferenceSession, loadModel, symmetryAveraged } from '../ml/index.ts';
import type { InferenceSession, LoadedModel } from '../ml/index.ts';
import type { BuildingFeature } from '../polygons/index.ts';
import { AppError, invalid, silentProgress } from '../shared/index.ts';
import { createAreaFilter } from './area-filter.ts';
import { BuildingEmitter } from './building-emitter.ts';
import type { EmitCounts } from './building-emitter.ts';
import { createConflator, DEFAULT_CONFLATE_THRESHOLD } from './conflate.ts';
import { planGrid } from './grid-plan.ts';
import type { GridPlan } from './grid-plan.ts';
import { resolvePredictArea } from './predict-area.ts';
import type { PredictArea } from './predict-area.ts';
import { resolveSettings } from './predict-options.ts';
import type { PredictOptions } from './predict-options.ts';
import { PreviewCanvas } from './preview.ts';
import { scoreAgainstReference } from './reference-scores.ts';
import type { ReferenceScores } from './reference-scores.ts';
import { StageClock } from './stage-clock.ts';
import type { StageTimes } from './stage-clock.ts';
import { runStripe } from './stripe-runner.ts';
import type { StripeContext } from './stripe-runner.ts';
import { TilePrefetcher, tileFailure } from './tile-prefetcher.ts';
import { inputScaling } from './window-input.ts';
import { createWorkerSession } from './worker-session.ts';

/** The summary of a prediction run (snake_case: it is printed by `fair predict --json` and stored by workflows). */
export type PredictSummary = EmitCounts & {
  /** Area tiles read (including missing ones). */
  tiles: number;
  /** Area tiles the imagery does not have (404): treated as no imagery. */
  tiles_missing: number;
  /** Model windows run, and windows skipped for having no imagery under them. */
  windows: number;
  windows_skipped: number;
  seconds: number;
  zoom: number;
  /** Imagery pixels per tile side, model input size and window overlap, pixels. */
  tile_size: number;
  input_size: number;
  overlap_px: number;
  /** Symmetries averaged per window (1 = no test-time augmentation). */
  tta: number;
  /** Building probability threshold used. */
  confidence: number;
  area_km2: number;
  stripes: number;
  /** Most probability rows the instance scanner held at once (rows of buildings still open plus one band). */
  max_rows_held: number;
  model: { name: string; architecture: string; classes: number; sha256: string };
  /** Wall time per stage, ms; `fetch` is only the time spent waiting for tiles. */
  stage_ms: StageTimes;
  /** Object scores of the delivered buildings against `reference`, when it was given. */
  reference?: ReferenceScores;
};

/** What `predictBuildings` returns. */
export type PredictResult = {
  /** The buildings, unless `onFeature` received them. */
  features: BuildingFeature[];
  summary: PredictSummary;
  /** PNG of the imagery with the buildings drawn, when `previewMaxSize` was given. */
  preview?: Buffer;
};

/**
 * Predicts building polygons over an area. Tiles are read ahead of the model (bounded), windows of the model's input
 * size are placed over the area's pixel grid with `overlapPx` of overlap and blended, so a building across tile edges
 * comes out as one polygon; buildings are found band by band as rows finish and streamed out (`onFeature`) once
 * post-processed (simplified, optionally squared, validated, area-filtered, de-duplicated), kept when they meet the
 * area and are not already mapped (`conflateWith`). Missing tiles (404) are no imagery; other tile failures stop the run.
 * @param options - model, imagery, area, zoom and the settings of {@link PredictOptions}
 * @returns the features (unless streamed), the summary and the optional preview
 * @throws AppError INVALID_PARAMETER_VALUE for bad options, area, zoom or model (not ONNX, not RGB);
 *   LIMIT_EXCEEDED for an area over the limits; RESOURCE_DOES_NOT_EXIST when the imagery has none of the area's
 *   tiles; UPSTREAM_FAILURE naming a tile that failed; the signal's reason when aborted
 * @example
 * const imagery = await openImagerySource('https://tiles.example.org/{z}/{x}/{y}.png');
 * const { features, summary } = await predictBuildings({ model: 'models/base-unet-s', imagery, area: [85.51, 27.62, 85.53, 27.64], zoom: 19 });
 */
export async function predictBuildings(options: PredictOptions): Promise<PredictResult> {
  const started = performance.now();
  const settings = resolveSettings(options);
  const { imagery, signal } = options;
  const model: LoadedModel =
    typeof options.model === 'string' ? await loadModel(options.model) : options.model;
  const area = resolvePredictArea(imagery, options.area, options.zoom, settings);
  // The model loads while the first tiles are read: each takes a while (workers and onnxruntime start, tiles come
  // over the network) and neither needs the other.
  const starting = openSession(model, options).then((session) => symmetryAveraged(session, settings.tta));
  starting.catch(() => undefined);
  // Stops the reads ahead when this call ends early (an error, or the caller's signal).
  const reads = new AbortController();
  const stopReads = (): void => reads.abort(signal?.reason);
  signal?.addEventListener('abort', stopReads, { once: true });
  try {
    const tileSize = await probeTileSize(imagery, area.tiles, signal);
    // Streamed buildings are not kept; with a reference to score against, their outlines are, until the end.
    const streamed: Polygon[] = [];
    const onFeature =
      options.reference === undefined || options.onFeature === undefined
        ? options.onFeature
        : (feature: BuildingFeature) => {
            streamed.push(feature.geometry);
            return options.onFeature?.(feature);
          };
    const S = model.card.inputSize;
    if (settings.overlapPx > S / 2)
      invalid(`overlap ${settings.overlapPx} px must be at most half the model input (${S / 2} px)`);
    const plan = planGrid(area.tiles, {
      tileSize,
      inputSize: S,
      overlap: settings.overlapPx,
      maxStripeWidth: settings.maxStripeWidthPx,
    });
    const clock = new StageClock();
    const preview =
      settings.previewMaxSize === undefined ? undefined : new PreviewCanvas(plan, settings.previewMaxSize);
    const emitter = new BuildingEmitter({
      grid: { z: plan.zoom, originX: plan.tileX0 * tileSize, originY: plan.tileY0 * tileSize, tileSize },
      minHolePixels: minHolePixels(settings.minAreaM2, area.tiles, tileSize),
      postprocess: {
        toleranceM: settings.toleranceM,
        minAreaM2: settings.minAreaM2,
        orthogonalize: settings.orthogonalize,
        orthoMaxAngleDeg: settings.orthoMaxAngleDeg,
        source: settings.source,
        modelId: options.modelId ?? model.card.name,
        ...(options.modelVersion === undefined ? {} : { modelVersion: options.modelVersion }),
      },
      ...(area.aoi ? { meetsArea: createAreaFilter(area.aoi) } : {}),
      ...(options.conflateWith
        ? {
            conflator: createConflator(
              options.conflateWith,
              settings.conflateThreshold ?? DEFAULT_CONFLATE_THRESHOLD,
            ),
          }
        : {}),
      ...(preview ? { preview } : {}),
      ...(onFeature ? { onFeature } : {}),
      clock,
    });
    const prefetcher = new TilePrefetcher(imagery, plan.tileOrder, {
      tileSize,
      concurrency: settings.concurrency,
      maxHeld: heldTiles(plan, settings.concurrency),
      signal: reads.signal,
    });
    const session = await starting;
    if (session.channels !== 3)
      invalid(`${model.onnxPath} takes ${session.channels} input channels; imagery is RGB`);
    if (session.inputSize !== S)
      invalid(`${model.onnxPath} takes ${session.inputSize} px inputs; its model card says ${S}`);
    const confidence = settings.confidence ?? model.card.threshold;
    const progress = options.progress ?? silentProgress;
    const ctx: StripeContext = {
      plan,
      session,
      scaling: inputScaling(callerNormalization(model.card)),
      confidence,
      batchSize: settings.batchSize,
      prefetcher,
      emitter,
      clock,
      progress,
      preview,
      signal,
      counts: { windows: 0, skipped: 0, maxRowsHeld: 0 },
    };
    progress.start(area.tiles.length, 'tiles');
    for (const stripe of plan.stripes) await runStripe(ctx, stripe);
    progress.done(`${emitter.counts.features} buildings`);
    const summary: PredictSummary = {
      ...emitter.counts,
      tiles: area.tiles.length,
      tiles_missing: prefetcher.missing,
      windows: ctx.counts.windows,
      windows_skipped: ctx.counts.skipped,
      seconds: Math.round(performance.now() - started) / 1000,
      zoom: plan.zoom,
      tile_size: tileSize,
      input_size: S,
      overlap_px: settings.overlapPx,
      tta: settings.tta,
      confidence,
      area_km2: Math.round(area.areaKm2 * 1e4) / 1e4,
      stripes: plan.stripes.length,
      max_rows_held: ctx.counts.maxRowsHeld,
      model: {
        name: model.card.name,
        architecture: model.card.architecture,
        classes: session.classes,
        sha256: model.sha256,
      },
      stage_ms: clock.snapshot(),
      ...(options.reference === undefined
        ? {}
        : {
            reference: scoreAgainstReference(
              options.onFeature ? streamed : emitter.features.map((f) => f.geometry),
              options.reference,
              createAreaFilter(scoredArea(area)),
            ),
          }),
    };
    return { features: emitter.features, summary, ...(preview ? { preview: await preview.render() } : {}) };
  } finally {
    signal?.removeEventListener('abort', stopReads);
    reads.abort();
    const session = await starting.catch(() => undefined);
    await session?.release();
  }
}

/** The inference session a prediction runs on: worker threads for onnxruntime-node unless told otherwise. */
function openSession(model: LoadedModel, options: PredictOptions): Promise<InferenceSession> {
  const backend = options.backend ?? 'node';
  const threads = options.threads === undefined ? {} : { threads: options.threads };
  const workers = options.inferenceWorkers === undefined ? {} : { workers: options.inferenceWorkers };
  return backend === 'node' && options.inferenceWorker !== false
    ? createWorkerSession(model, { ...threads, ...workers })
    : createInferenceSession(model.bytes, {
        backend,
        name: model.onnxPath,
        inputSize: model.card.inputSize,
        ...threads,
      });
}

/** The area reference buildings are scored in: the run's area, or the tiles a folder lists when none was given. */
function scoredArea(area: PredictArea): Polygonal {
  return (
    area.aoi ?? {
      type: 'MultiPolygon',
      coordinates: area.tiles.flatMap((tile) => polygonsOf(bboxToPolygon(tileBounds(tile)))),
    }
  );
}

/** Pixels of the smallest building at the area's latitude (at least 4): smaller holes are filled as noise. */
function minHolePixels(minAreaM2: number, tiles: readonly Tile[], tileSize: number): number {
  const first = tiles[0] as Tile;
  const [, lat] = tileToLonLat(first.x + 0.5, first.y + 0.5, first.z);
  const mpp = metresPerPixel(lat, first.z, tileSize);
  return Math.max(4, minAreaM2 / (mpp * mpp));
}

/**
 * Tiles held ahead: every tile row a row of windows spans, one more row, one more for the batches that run on into the
 * next row before this one is released (stripe-runner), and the reads in flight. Reads further ahead start when asked
 * for, so this bounds only the read-ahead; the windows in flight bound the rest.
 */
function heldTiles(plan: GridPlan, concurrency: number): number {
  const widest = Math.max(
    ...plan.stripes.map(
      (s) => Math.ceil(s.computeX1 / plan.tileSize) - Math.floor(s.computeX0 / plan.tileSize),
    ),
  );
  const rowsPerWindow = Math.ceil(plan.inputSize / plan.tileSize) + 1;
  return widest * (rowsPerWindow + 2) + concurrency;
}

/**
 * The imagery's tile size: the width of the first area tile it has (tiles are read in parallel groups of 8 until one
 * is found).
 * @throws AppError RESOURCE_DOES_NOT_EXIST when the imagery has none of the tiles; UPSTREAM_FAILURE for a tile that
 *   fails otherwise; INVALID_PARAMETER_VALUE for a tile that is not square
 */
async function probeTileSize(
  imagery: ImagerySource,
  tiles: readonly Tile[],
  signal: AbortSignal | undefined,
): Promise<number> {
  for (let i = 0; i < tiles.length; i += 8) {
    const group = tiles.slice(i, i + 8);
    const results = await Promise.allSettled(group.map((t) => imagery.readTile(t, signal)));
    for (const [k, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        const { width, height } = result.value;
        if (width !== height)
          invalid(`imagery ${imagery.label} serves ${width}x${height} tiles; square tiles are needed`);
        return width;
      }
      const reason: unknown = result.reason;
      if (reason instanceof AppError && reason.code === 'RESOURCE_DOES_NOT_EXIST') continue;
      throw tileFailure(group[k] as Tile, reason instanceof Error ? reason.message : String(reason));
    }
  }
  const z = tiles[0]?.z ?? 0;
  throw new AppError(
    'RESOURCE_DOES_NOT_EXIST',
    `imagery ${imagery.label} has none of the ${tiles.length} tiles of the area at zoom ${z} (every tile is missing)`,
  );
}
