/**
 * @module predict/conflate — drops predictions of buildings that are already mapped: a prediction goes when the share
 * of its area covered by existing buildings (e.g. from OpenStreetMap) reaches a threshold (issue 4 §4). Existing
 * buildings sit in a grid index; each is projected and measured once, on first use.
 */
import { bboxOfGeometry } from '../geo/index.ts';
import type { BBox, Polygonal } from '../geo/index.ts';
import type { LabelCollection } from '../labels/index.ts';
import { createLocalFrame, intersectionArea, overlapBound, preparePolygon } from '../polygons/index.ts';
import type { LocalFrame, PreparedPolygon } from '../polygons/index.ts';
import { invalid } from '../shared/index.ts';

/**
 * Default share of a prediction's area that existing buildings must cover for it to be dropped: 0.3. Low enough that
 * a mapped building still suppresses its prediction when imagery and OSM are offset by a third of a building, high
 * enough that the slivers where a new building meets a mapped neighbour (shared walls, under 10 %) do not.
 */
export const DEFAULT_CONFLATE_THRESHOLD = 0.3;

/** Grid cell of the index, degrees (about 110 m). */
const CELL_DEG = 0.001;

type Existing = { geometry: Polygonal; bbox: BBox; prepared?: PreparedPolygon };

/** Decides, prediction by prediction, whether existing buildings already cover it. */
export interface Conflator {
  /**
   * Share of the polygon's area covered by existing buildings (0..1; overlapping existing buildings may count twice
   * and the share is capped at 1).
   */
  coveredShare(geometry: Polygonal): number;
  /** True when {@link Conflator.coveredShare} reaches the threshold. */
  isMapped(geometry: Polygonal): boolean;
  /** Existing buildings indexed. */
  readonly size: number;
}

/**
 * Indexes existing buildings for conflation.
 * @param existing - existing buildings (polygonal features; others are ignored)
 * @param threshold - covered share at which a prediction is dropped, in (0, 1], default 0.3
 * @returns the conflator
 * @throws AppError INVALID_PARAMETER_VALUE for a threshold outside (0, 1]
 * @example
 * const conflator = createConflator(osmBuildings, 0.3);
 * if (conflator.isMapped(prediction.geometry)) dropped++;
 */
export function createConflator(
  existing: LabelCollection,
  threshold = DEFAULT_CONFLATE_THRESHOLD,
): Conflator {
  if (!(threshold > 0 && threshold <= 1)) invalid(`conflate threshold ${threshold} must be in (0, 1]`);
  const items: Existing[] = [];
  const cells = new Map<string, number[]>();
  for (const feature of existing.features) {
    const geometry = feature.geometry as Polygonal | null;
    if (geometry === null || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) continue;
    const bbox = bboxOfGeometry(geometry);
    const index = items.push({ geometry, bbox }) - 1;
    forEachCell(bbox, (key) => {
      const list = cells.get(key);
      if (list) list.push(index);
      else cells.set(key, [index]);
    });
  }
  const frame = frameOf(items);
  const coveredShare = (geometry: Polygonal): number => {
    if (items.length === 0) return 0;
    const prediction = preparePolygon(geometry, frame);
    if (prediction.area <= 0) return 0;
    let covered = 0;
    for (const index of candidates(bboxOfGeometry(geometry), cells)) {
      const item = items[index] as Existing;
      item.prepared ??= preparePolygon(item.geometry, frame);
      if (overlapBound(prediction, item.prepared) <= 0) continue;
      covered += intersectionArea(prediction, item.prepared);
    }
    return Math.min(1, covered / prediction.area);
  };
  return {
    coveredShare,
    isMapped: (geometry) => coveredShare(geometry) >= threshold,
    size: items.length,
  };
}

function forEachCell(bbox: BBox, visit: (key: string) => void): void {
  const [w, s, e, n] = bbox;
  for (let i = Math.floor(w / CELL_DEG); i <= Math.floor(e / CELL_DEG); i++)
    for (let j = Math.floor(s / CELL_DEG); j <= Math.floor(n / CELL_DEG); j++) visit(`${i}:${j}`);
}

function candidates(bbox: BBox, cells: Map<string, number[]>): Set<number> {
  const found = new Set<number>();
  forEachCell(bbox, (key) => {
    for (const index of cells.get(key) ?? []) found.add(index);
  });
  return found;
}

/** One frame for every comparison, at the centre of the existing buildings (ratios do not depend on it). */
function frameOf(items: readonly Existing[]): LocalFrame {
  const first = items[0];
  if (first === undefined) return createLocalFrame(0, 0);
  let [w, s, e, n] = first.bbox;
  for (const { bbox } of items)
    [w, s, e, n] = [Math.min(w, bbox[0]), Math.min(s, bbox[1]), Math.max(e, bbox[2]), Math.max(n, bbox[3])];
  return createLocalFrame((w + e) / 2, (s + n) / 2);
}
