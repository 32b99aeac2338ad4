/**
 * @module predict/building-emitter — the end of the pipeline: pixel instances → lon/lat → simplify, square, validate,
 * filter (polygons' `postprocessBuildings`) → keep those meeting the area → drop those already mapped → hand each to
 * the writer (issue 4 §1, §4). Counts what it drops.
 */
import type { Polygonal } from '../geo/index.ts';
import { pixelPolygonToLonLat, postprocessBuildings, signedRingArea } from '../polygons/index.ts';
import type {
  BuildingFeature,
  BuildingInstance,
  PixelGrid,
  PixelPolygon,
  PostprocessOptions,
} from '../polygons/index.ts';
import type { Conflator } from './conflate.ts';
import type { PixelInstance } from './instance-scanner.ts';
import type { PreviewCanvas } from './preview.ts';
import type { StageClock } from './stage-clock.ts';

/** What the emitter kept and dropped so far. */
export type EmitCounts = {
  features: number;
  dropped_small: number;
  dropped_invalid: number;
  dropped_nested: number;
  dropped_duplicate: number;
  dropped_outside_area: number;
  dropped_conflated: number;
  repaired: number;
};

/** Parts of an {@link BuildingEmitter}. */
export type EmitterParts = {
  /** Georeferencing of grid pixels. */
  grid: PixelGrid;
  /**
   * Holes smaller than this many pixels are filled before post-processing: below the smallest building they are noise,
   * and a noisy blob can hold thousands of them (each costs the validity repair dearly).
   */
  minHolePixels: number;
  /** Options of `postprocessBuildings` (tolerance, area, squaring, source, model). */
  postprocess: PostprocessOptions;
  /** Keeps buildings meeting the area; absent = keep all. */
  meetsArea?: (geometry: Polygonal) => boolean;
  conflator?: Conflator;
  preview?: PreviewCanvas;
  /** Receives each kept building; absent = collect them in `features`. */
  onFeature?: (feature: BuildingFeature) => void | Promise<void>;
  clock: StageClock;
};

/** Turns pixel instances into written building features. */
export class BuildingEmitter {
  readonly counts: EmitCounts = {
    features: 0,
    dropped_small: 0,
    dropped_invalid: 0,
    dropped_nested: 0,
    dropped_duplicate: 0,
    dropped_outside_area: 0,
    dropped_conflated: 0,
    repaired: 0,
  };
  /** Kept buildings, when no `onFeature` was given. */
  readonly features: BuildingFeature[] = [];
  readonly #parts: EmitterParts;

  /** @param parts - see {@link EmitterParts} */
  constructor(parts: EmitterParts) {
    this.#parts = parts;
  }

  /**
   * Post-processes and writes the instances one scan found.
   * @param instances - pixel instances in grid coordinates
   */
  async emit(instances: readonly PixelInstance[]): Promise<void> {
    if (instances.length === 0) return;
    const { clock, grid, postprocess, meetsArea, conflator } = this.#parts;
    const kept = clock.time('postprocess', () => {
      const candidates = lonLatCandidates(instances, grid, this.#parts.minHolePixels);
      const result = postprocessBuildings(candidates, postprocess);
      const c = this.counts;
      c.dropped_small += result.dropped.small;
      c.dropped_invalid += result.dropped.invalid;
      c.dropped_nested += result.dropped.nested;
      c.dropped_duplicate += result.dropped.duplicate;
      c.repaired += result.repaired;
      if (meetsArea === undefined) return result.features;
      const inside = result.features.filter((f) => meetsArea(f.geometry));
      c.dropped_outside_area += result.features.length - inside.length;
      return inside;
    });
    const fresh = conflator
      ? clock.time('conflate', () => {
          const unmapped = kept.filter((f) => !conflator.isMapped(f.geometry));
          this.counts.dropped_conflated += kept.length - unmapped.length;
          return unmapped;
        })
      : kept;
    // Writers return a promise only when their buffer is full: the loop stays synchronous (and timed as such)
    // unless it has to wait.
    const { onFeature, preview } = this.#parts;
    for (const feature of fresh) {
      const wait = clock.time('write', () => {
        preview?.addFeature(feature);
        if (onFeature) return onFeature(feature);
        this.features.push(feature);
        return undefined;
      });
      if (wait) await clock.timeAsync('write', () => wait);
    }
    this.counts.features += fresh.length;
  }
}

/**
 * The instances in lon/lat, converted one at a time as post-processing asks for them: the traced outlines have many
 * vertices, and converting them all up front would keep every one alive (and copied by the garbage collector) until
 * the last building is done.
 */
function* lonLatCandidates(
  instances: readonly PixelInstance[],
  grid: PixelGrid,
  minHolePixels: number,
): Generator<BuildingInstance> {
  for (const instance of instances)
    yield {
      coordinates: pixelPolygonToLonLat(grid, withoutSmallHoles(instance.polygon, minHolePixels)),
      confidence: instance.confidence,
    };
}

/**
 * A pixel polygon without its holes smaller than `minPixels`.
 * @param polygon - outer ring then holes
 * @param minPixels - smallest hole kept, pixels
 * @returns the polygon (the same object when nothing was removed)
 */
export function withoutSmallHoles(polygon: PixelPolygon, minPixels: number): PixelPolygon {
  if (polygon.length <= 1) return polygon;
  const kept = polygon.filter((ring, i) => i === 0 || Math.abs(signedRingArea(ring)) >= minPixels);
  return kept.length === polygon.length ? polygon : kept;
}
