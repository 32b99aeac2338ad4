/**
 * @module predict/predict-options — the options of `predictBuildings`, their defaults, and the checks that turn bad
 * values into one-line errors before any work starts (issue 4 §1).
 */
import type { BBox, Polygonal } from '../geo/index.ts';
import type { ImagerySource } from '../imagery/index.ts';
import type { LabelCollection } from '../labels/index.ts';
import { checkSymmetryCount } from '../ml/index.ts';
import type { InferenceBackend, LoadedModel, SymmetryCount } from '../ml/index.ts';
import type { BuildingFeature } from '../polygons/index.ts';
import { invalid } from '../shared/index.ts';
import type { Progress } from '../shared/index.ts';

/**
 * Default overlap of neighbouring model windows, pixels: 32. Window borders are where a network sees least context;
 * with 32 px of overlap and a linear blend those borders never decide a pixel alone, which removes the seams (notches
 * and splits along tile edges) at the cost of about 30 % more windows at 256 px. Set 0 for the fastest run.
 */
export const DEFAULT_OVERLAP_PX = 32;

/** Options of `predictBuildings`. */
export type PredictOptions = {
  /** `model.onnx`, a model folder or `model.json` (see `loadModel`), or an already loaded model. */
  model: LoadedModel | string;
  /** The imagery (see `openImagerySource`). */
  imagery: ImagerySource;
  /** Area: a bbox `[w, s, e, n]` or a Polygon/MultiPolygon; default every tile a folder or GeoTIFF source lists. */
  area?: Polygonal | BBox;
  /** Zoom of the tiles, default the zoom of the tiles a folder lists (when they have one), else 19. */
  zoom?: number;
  /** Building probability at or above which a pixel is a building, default the model card's threshold (0.5). */
  confidence?: number;
  /** Simplification tolerance, ground metres, default 0.3. */
  toleranceM?: number;
  /** Buildings smaller than this are dropped, m², default 3. */
  minAreaM2?: number;
  /** Square near-rectangular outlines, default false. */
  orthogonalize?: boolean;
  /** Largest corner deviation squared, degrees, default 15. */
  orthoMaxAngleDeg?: number;
  /** Pixels shared by neighbouring windows, blended with a ramp; default {@link DEFAULT_OVERLAP_PX}. */
  overlapPx?: number;
  /** Existing buildings: predictions they already cover are dropped. */
  conflateWith?: LabelCollection;
  /** Covered share at which a prediction is dropped, default 0.3 (see `DEFAULT_CONFLATE_THRESHOLD`). */
  conflateThreshold?: number;
  /**
   * Reference footprints (e.g. OSM buildings of an area the model has not seen): the summary then scores the delivered
   * buildings against those that meet the area (`reference`: object precision, recall, F1 at IoU ≥ 0.5).
   */
  reference?: LabelCollection;
  /** Windows per model run, default 8. */
  batchSize?: number;
  /**
   * Test-time augmentation: average the probabilities over this many symmetries of each window (1, 2, 4 or 8; see
   * `symmetryAveraged`), default 1. Costs that many model runs per window.
   */
  tta?: number;
  /** onnxruntime threads (over all inference workers), default one per core. */
  threads?: number;
  /**
   * Inference workers, each a session with its share of the threads, running batches side by side; default one
   * per thread up to 4 (`defaultInferenceWorkers`). Only with the `node` backend in workers; `createWorkerSession`
   * checks it.
   */
  inferenceWorkers?: number;
  /** onnxruntime backend, default `node`. */
  backend?: InferenceBackend;
  /**
   * Run the `node` backend in a worker thread, default true: onnxruntime-node holds the calling thread for a whole
   * batch, so in-process inference serialises fetching, stitching, polygonizing and writing behind it.
   */
  inferenceWorker?: boolean;
  /** Tile reads in flight, default 8. */
  concurrency?: number;
  /** `source` property (OSM tag) of every building, default `fAIr`. */
  source?: string;
  /** `model_id` property, default the model card's name. */
  modelId?: string;
  /** `model_version` property, default none. */
  modelVersion?: string;
  /**
   * Tiles next to the area that come within this many metres of it are read too, so buildings crossing the area's
   * edge come out whole (they are kept when they meet the area), default 30; 0 reads only the tiles covering it.
   */
  edgeMarginM?: number;
  /** Largest area accepted, km², default 100 (config `maxAoiKm2`). */
  maxAreaKm2?: number;
  /** Most tiles accepted, default 100 000. */
  maxTiles?: number;
  /** Widest stripe processed at once, pixels, default 16384 (memory bound for wide areas). */
  maxStripeWidthPx?: number;
  /** Render a preview PNG of the imagery with the buildings drawn, at most this many pixels per side. */
  previewMaxSize?: number;
  /** Ticks once per tile finished. */
  progress?: Progress;
  /** Stops the run between model batches; the signal's reason is thrown. */
  signal?: AbortSignal;
  /** Receives each building as soon as it is final; when given, the result's `features` stays empty. */
  onFeature?: (feature: BuildingFeature) => void | Promise<void>;
};

/** Options with every default filled in. */
export type ResolvedSettings = {
  confidence: number | undefined;
  toleranceM: number;
  minAreaM2: number;
  orthogonalize: boolean;
  orthoMaxAngleDeg: number;
  overlapPx: number;
  conflateThreshold: number | undefined;
  batchSize: number;
  tta: SymmetryCount;
  concurrency: number;
  source: string;
  edgeMarginM: number;
  maxAreaKm2: number;
  maxTiles: number;
  maxStripeWidthPx: number;
  previewMaxSize: number | undefined;
};

/** Default most tiles of one run. */
export const DEFAULT_MAX_PREDICT_TILES = 100_000;

function check(ok: boolean, message: string): void {
  if (!ok) invalid(message);
}

/**
 * Fills defaults and checks every option value (the model, imagery and area are checked where they are used).
 * @param options - the options
 * @returns the settings
 * @throws AppError INVALID_PARAMETER_VALUE naming the first bad option
 */
export function resolveSettings(options: PredictOptions): ResolvedSettings {
  const s: ResolvedSettings = {
    confidence: options.confidence,
    toleranceM: options.toleranceM ?? 0.3,
    minAreaM2: options.minAreaM2 ?? 3,
    orthogonalize: options.orthogonalize ?? false,
    orthoMaxAngleDeg: options.orthoMaxAngleDeg ?? 15,
    overlapPx: options.overlapPx ?? DEFAULT_OVERLAP_PX,
    conflateThreshold: options.conflateThreshold,
    batchSize: options.batchSize ?? 8,
    tta: checkSymmetryCount(options.tta ?? 1),
    concurrency: options.concurrency ?? 8,
    source: options.source ?? 'fAIr',
    edgeMarginM: options.edgeMarginM ?? 30,
    maxAreaKm2: options.maxAreaKm2 ?? 100,
    maxTiles: options.maxTiles ?? DEFAULT_MAX_PREDICT_TILES,
    maxStripeWidthPx: options.maxStripeWidthPx ?? 16384,
    previewMaxSize: options.previewMaxSize,
  };
  const c = s.confidence;
  check(c === undefined || (c > 0 && c <= 1), `confidence ${c} must be a number in (0, 1]`);
  check(
    Number.isFinite(s.toleranceM) && s.toleranceM >= 0,
    `tolerance ${s.toleranceM} m must be a number >= 0`,
  );
  check(
    Number.isFinite(s.minAreaM2) && s.minAreaM2 >= 0,
    `minimum area ${s.minAreaM2} m² must be a number >= 0`,
  );
  check(
    s.orthoMaxAngleDeg >= 0 && s.orthoMaxAngleDeg < 45,
    `orthogonalize max angle ${s.orthoMaxAngleDeg}° must be in [0, 45)`,
  );
  check(
    Number.isInteger(s.overlapPx) && s.overlapPx >= 0,
    `overlap ${s.overlapPx} px must be an integer >= 0`,
  );
  const t = s.conflateThreshold;
  check(t === undefined || (t > 0 && t <= 1), `conflate threshold ${t} must be a number in (0, 1]`);
  check(
    Number.isInteger(s.batchSize) && s.batchSize >= 1 && s.batchSize <= 256,
    `batch size ${s.batchSize} must be an integer 1..256`,
  );
  check(
    Number.isInteger(s.concurrency) && s.concurrency >= 1 && s.concurrency <= 64,
    `concurrency ${s.concurrency} must be an integer 1..64`,
  );
  check(
    Number.isFinite(s.edgeMarginM) && s.edgeMarginM >= 0 && s.edgeMarginM <= 1000,
    `edge margin ${s.edgeMarginM} m must be a number 0..1000`,
  );
  check(s.maxAreaKm2 > 0, `maximum area ${s.maxAreaKm2} km² must be positive`);
  check(
    Number.isInteger(s.maxTiles) && s.maxTiles >= 1,
    `maximum tiles ${s.maxTiles} must be a positive integer`,
  );
  check(s.maxStripeWidthPx >= 1, `stripe width ${s.maxStripeWidthPx} px must be positive`);
  const p = s.previewMaxSize;
  check(
    p === undefined || (Number.isInteger(p) && p >= 16 && p <= 8192),
    `preview size ${p} must be an integer 16..8192`,
  );
  const { threads } = options;
  check(
    threads === undefined || (Number.isInteger(threads) && threads >= 1 && threads <= 256),
    `threads ${threads} must be an integer 1..256`,
  );
  return s;
}
