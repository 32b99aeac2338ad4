/**
 * @module polygons/multiclass-instances — instance-aware polygonisation of multi-class (RAMP-style) class maps:
 * seeds are the footprint interior (footprint minus boundary and contact), grown back into the building pixels by up
 * to a few pixels, so touching buildings stay apart. On Banepa this lifts the ceiling of object F1 from 0.667 (binary
 * connected components) to 0.945 (docs quality-facts.md).
 */
import { invalid } from '../shared/index.ts';
import { labelComponentRuns, labelComponents, rasterSize } from './connected-components.ts';
import type { Connectivity, LabelImage, LabelRuns, RasterSize } from './connected-components.ts';
import { positiveTable } from './class-selection.ts';
import type { PositiveClasses } from './class-selection.ts';
import { bufferOf } from './label-runs.ts';
import type { LabelWorkspace } from './label-workspace.ts';

/**
 * Class values of the multi-class building target, as datasets/ writes them (`MaskValue`, kept here so metrics load
 * without the dataset pipeline): 0 background, 1 footprint interior, 2 boundary (footprint pixels near the outline),
 * 3 contact (pixels near two buildings: shared walls and the gaps between them).
 */
export const MULTICLASS = { background: 0, footprint: 1, boundary: 2, contact: 3 } as const;

/**
 * Footprint-interior probability at or above which a predicted pixel seeds a building. The most probable class is not
 * enough: on dense real imagery (Banepa) a pixel the model gives 0.4 footprint, 0.35 boundary is usually on a
 * shared wall, and seeding there merges neighbours. With the same trained model, confident seeds (grown 4 px) lift
 * object F1 there from 0.25–0.30 to 0.35–0.38 (validation and hold-out chips of `scripts/banepa-quality.sh`) and cost
 * the synthetic scene little (0.827 → 0.820).
 */
export const SEED_PROBABILITY = 0.5;

/**
 * Growth of predicted seeds back into the building pixels, pixels. True masks need only their boundary width (2, the
 * default of {@link instancesFromMulticlass}); confident seeds sit further inside a predicted outline.
 */
export const PREDICTED_GROW_PX = 4;

/**
 * The class map that instances of a multi-class prediction are found in, one definition for evaluation and the
 * prediction pipeline: 0 where the building probability 1 − P(background) is below `confidence`; 1 (a seed) where
 * P(footprint interior) ≥ {@link SEED_PROBABILITY}; otherwise the most probable foreground class (the lowest on ties),
 * a footprint below the seed probability counting as boundary (2).
 * @param probabilities - `channels × plane` probabilities, channel-major; channel 0 is background, 1 the footprint
 *   interior
 * @param channels - number of channels (2 to 256)
 * @param confidence - building probability at or above which a pixel is a building, in (0, 1], default 0.5
 * @returns `plane` class values
 * @throws AppError INVALID_PARAMETER_VALUE for fewer than 2 channels, a length that does not split into them, or a
 *   confidence outside (0, 1]
 * @example
 * const classes = instanceClassMap(softmax, 4); // softmax: 4 × 256 × 256
 * const instances = instancesFromMulticlass(classes, 256, { growPx: PREDICTED_GROW_PX });
 */
export function instanceClassMap(
  probabilities: Float32Array,
  channels: number,
  confidence = 0.5,
): Uint8Array {
  if (!Number.isInteger(channels) || channels < 2 || channels > 256 || probabilities.length % channels !== 0)
    invalid(
      `multi-class probabilities of length ${probabilities.length} do not split into ${channels} channels (2 or more)`,
    );
  if (!(confidence > 0 && confidence <= 1)) invalid(`confidence ${confidence} must be in (0, 1]`);
  const plane = probabilities.length / channels;
  const out = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) {
    if (1 - (probabilities[i] as number) < confidence) continue;
    const footprint = probabilities[plane + i] as number;
    if (footprint >= SEED_PROBABILITY) {
      out[i] = MULTICLASS.footprint;
      continue;
    }
    let best = footprint;
    let cls: number = MULTICLASS.boundary;
    for (let c = 2; c < channels; c++) {
      const p = probabilities[c * plane + i] as number;
      if (p > best) {
        best = p;
        cls = c;
      }
    }
    out[i] = cls;
  }
  return out;
}

/** Options of {@link instancesFromMulticlass}. */
export type MulticlassInstanceOptions = {
  /** Maximum growth of a seed in pixels (4-neighbour steps), default 2. */
  growPx?: number;
  /** Classes that form seeds, default `1` (footprint interior). */
  seedClasses?: PositiveClasses;
  /** Classes a seed may grow into, default every value > 0 (interior, boundary, contact). */
  growInto?: PositiveClasses;
  /** Connectivity of the seed components, default 4. */
  connectivity?: Connectivity;
  /** Seeds with fewer pixels are dropped (speckle), default 1 (keep all). */
  minSeedArea?: number;
  /** Buffers reused between calls, default none (fresh buffers); the labels then live in it until its next use. */
  workspace?: LabelWorkspace;
};

/**
 * Instances of a multi-class map: connected components of the seed classes, then a multi-source breadth-first
 * growth (all seeds advance one pixel per round, so a pixel goes to the nearest seed; ties to the lower label) into
 * unlabelled `growInto` pixels for at most `growPx` rounds. Building pixels farther than `growPx` from every seed stay
 * background. Linear in the number of pixels.
 * @param classMap - per-pixel class values, rows from the top
 * @param size - raster size
 * @param options - see {@link MulticlassInstanceOptions}
 * @returns the label image
 * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch or bad options
 * @example
 * const instances = instancesFromMulticlass(argmaxClasses, 256, { growPx: 2 });
 */
export function instancesFromMulticlass(
  classMap: Uint8Array,
  size: RasterSize,
  options: MulticlassInstanceOptions = {},
): LabelImage {
  const { width, height } = rasterSize(size, classMap.length, 'class map');
  const growPx = options.growPx ?? 2;
  if (!Number.isSafeInteger(growPx) || growPx < 0) invalid(`growPx ${growPx} must be an integer >= 0`);
  const minSeedArea = options.minSeedArea ?? 1;
  if (!Number.isSafeInteger(minSeedArea) || minSeedArea < 1)
    invalid(`minSeedArea ${minSeedArea} must be an integer >= 1`);
  const { workspace } = options;
  const { image: seeds, runs } = labelComponentRuns(
    classMap,
    { width, height },
    {
      positive: options.seedClasses ?? MULTICLASS.footprint,
      connectivity: options.connectivity ?? 4,
      ...(workspace && { workspace }),
    },
  );
  const kept = minSeedArea > 1 ? dropSmall(seeds, minSeedArea) : seeds;
  if (growPx > 0) growInPlace(kept, runs, classMap, positiveTable(options.growInto), growPx, workspace);
  return kept;
}

/**
 * Instances of a binary (or any) mask: connected components of its positive pixels.
 * @param mask - class values
 * @param size - raster size
 * @param options - `positive` (default every value > 0), `connectivity` (default 4)
 * @returns the label image
 * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch
 */
export function instancesFromBinary(
  mask: Uint8Array,
  size: RasterSize,
  options: { positive?: PositiveClasses; connectivity?: Connectivity } = {},
): LabelImage {
  return labelComponents(mask, size, options);
}

/**
 * Grows the seeds of `image` (whose runs are `runs`) for `rounds` (>= 1) rounds. Claims of a round are written to
 * `labels` only after every seed has proposed, so a pixel reached by two instances in the same round goes to the
 * lower label regardless of scan order: the result depends only on which pixels propose what, never on their order,
 * which lets the first round go run by run instead of listing every seed pixel first.
 */
function growInPlace(
  image: LabelImage,
  runs: LabelRuns,
  classMap: Uint8Array,
  growable: Uint8Array,
  rounds: number,
  workspace: LabelWorkspace | undefined,
): void {
  const { labels, width } = image;
  const buffer = bufferOf(workspace);
  let frontier = buffer('frontier', labels.length);
  let next = buffer('next', labels.length);
  let frontierSize = claimAroundRuns(image, runs, classMap, growable, frontier);
  settleClaims(labels, frontier, frontierSize);
  const lastRow = labels.length - width;
  for (let round = 1; round < rounds && frontierSize > 0; round++) {
    let nextSize = 0;
    for (let k = 0; k < frontierSize; k++) {
      const i = frontier[k] as number;
      const label = labels[i] as number;
      const x = i % width;
      if (x > 0) nextSize = claim(i - 1, label, labels, classMap, growable, next, nextSize);
      if (x < width - 1) nextSize = claim(i + 1, label, labels, classMap, growable, next, nextSize);
      if (i >= width) nextSize = claim(i - width, label, labels, classMap, growable, next, nextSize);
      if (i < lastRow) nextSize = claim(i + width, label, labels, classMap, growable, next, nextSize);
    }
    settleClaims(labels, next, nextSize);
    [frontier, next] = [next, frontier];
    frontierSize = nextSize;
  }
}

/**
 * The first round, run by run: the pixels a run's seed pixels propose to are the one before it, the one after it and
 * the pixels above and below it (the others are the run's own). A run is one seed, labelled 0 if dropped as speckle.
 * @returns the number of pixels claimed, listed in `claimed`
 */
function claimAroundRuns(
  image: LabelImage,
  runs: LabelRuns,
  classMap: Uint8Array,
  growable: Uint8Array,
  claimed: Int32Array,
): number {
  const { labels, width } = image;
  const { start, end } = runs;
  const lastRow = labels.length - width;
  let size = 0;
  for (let r = 0; r < runs.size; r++) {
    const from = start[r] as number;
    const to = end[r] as number;
    const label = labels[from] as number;
    if (label <= 0) continue;
    const rowStart = from - (from % width);
    if (from > rowStart) size = claim(from - 1, label, labels, classMap, growable, claimed, size);
    if (to < rowStart + width) size = claim(to, label, labels, classMap, growable, claimed, size);
    if (from >= width)
      for (let j = from - width; j < to - width; j++)
        size = claim(j, label, labels, classMap, growable, claimed, size);
    if (from < lastRow)
      for (let j = from + width; j < to + width; j++)
        size = claim(j, label, labels, classMap, growable, claimed, size);
  }
  return size;
}

/** Turns the pending (negative) claims of a round into labels. */
function settleClaims(labels: Int32Array, claimed: Int32Array, size: number): void {
  for (let k = 0; k < size; k++) {
    const j = claimed[k] as number;
    labels[j] = -(labels[j] as number);
  }
}

/** Proposes `label` for pixel j: pending claims are stored negated, and the lowest label wins. */
function claim(
  j: number,
  label: number,
  labels: Int32Array,
  classMap: Uint8Array,
  growable: Uint8Array,
  next: Int32Array,
  nextSize: number,
): number {
  const current = labels[j] as number;
  if (current > 0 || growable[classMap[j] as number] === 0) return nextSize;
  if (current === 0) {
    labels[j] = -label;
    next[nextSize] = j;
    return nextSize + 1;
  }
  if (label < -current) labels[j] = -label;
  return nextSize;
}

function dropSmall(image: LabelImage, minArea: number): LabelImage {
  const areas = new Int32Array(image.count + 1);
  for (const l of image.labels) areas[l] = (areas[l] as number) + 1;
  const remap = new Int32Array(image.count + 1);
  let count = 0;
  for (let l = 1; l <= image.count; l++) if ((areas[l] as number) >= minArea) remap[l] = ++count;
  const labels = image.labels.map((l) => remap[l] as number);
  return { labels, width: image.width, height: image.height, count };
}
