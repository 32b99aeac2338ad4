/**
 * @module polygons/remove-nested-and-duplicates — drops predictions that sit inside another or repeat one (overlapping
 * windows, multi-scale runs), deterministically and near-linearly through a bbox grid (issue 4 §3).
 */
import type { Polygon } from 'geojson';
import { invalid } from '../shared/index.ts';
import { createLocalFrame } from './local-metres.ts';
import { intersectionArea, overlapBound, preparePolygon } from './polygon-overlap.ts';
import type { PreparedPolygon } from './polygon-overlap.ts';
import { createBBoxGrid } from './spatial-grid.ts';

/** Options of {@link removeNestedAndDuplicates}. */
export type DedupeOptions = {
  /** Pairs with IoU at or above this are duplicates, default 0.8. */
  iouThreshold?: number;
  /** A polygon with at least this share of its area inside another is nested, default 0.9. */
  containment?: number;
};

/** The features kept (input order) and the counts of those removed. */
export type DedupeResult<T> = { kept: T[]; removed: number; nested: number; duplicates: number };

type Candidate = { index: number; confidence: number; prepared: PreparedPolygon };

/**
 * Removes nested and duplicate predictions. Features are visited by descending confidence (then larger area, then
 * input order); each is compared with the already kept features whose bboxes meet its own:
 * - IoU ≥ `iouThreshold` with a kept one → a duplicate of it, dropped (the kept one has the higher confidence);
 * - ≥ `containment` of its area inside a kept one → nested, dropped;
 * - a kept one with ≥ `containment` of its area inside it → that one is nested and dropped instead.
 *
 * Areas are measured in one local metric frame; pairs whose bboxes barely overlap (walls shared by neighbours) are
 * decided without clipping.
 * @param features - features with Polygon geometries and an optional `properties.confidence` (default 0)
 * @param options - `iouThreshold` (default 0.8), `containment` (default 0.9)
 * @returns kept features in input order, and the counts removed
 * @throws AppError INVALID_PARAMETER_VALUE when a threshold is outside (0, 1]
 * @example
 * const { kept, nested, duplicates } = removeNestedAndDuplicates(features, { iouThreshold: 0.8 });
 */
export function removeNestedAndDuplicates<T extends { geometry: Polygon; properties?: unknown }>(
  features: readonly T[],
  options: DedupeOptions = {},
): DedupeResult<T> {
  const iouThreshold = options.iouThreshold ?? 0.8;
  const containment = options.containment ?? 0.9;
  if (!(iouThreshold > 0 && iouThreshold <= 1)) invalid(`iouThreshold ${iouThreshold} must be in (0, 1]`);
  if (!(containment > 0 && containment <= 1)) invalid(`containment ${containment} must be in (0, 1]`);
  const candidates = prepareAll(features);
  const order = [...candidates].sort(
    (a, b) => b.confidence - a.confidence || b.prepared.area - a.prepared.area || a.index - b.index,
  );
  const grid = createBBoxGrid(candidates.map((c) => c.prepared.bbox));
  const state = new Uint8Array(features.length); // 0 unvisited, 1 kept, 2 nested, 3 duplicate
  for (const candidate of order) {
    state[candidate.index] = verdict(candidate, candidates, grid.query(candidate.prepared.bbox), state, {
      iouThreshold,
      containment,
    });
  }
  const kept = features.filter((_, i) => state[i] === 1);
  const nested = state.reduce((n, s) => n + (s === 2 ? 1 : 0), 0);
  const duplicates = state.reduce((n, s) => n + (s === 3 ? 1 : 0), 0);
  return { kept, removed: features.length - kept.length, nested, duplicates };
}

function prepareAll<T extends { geometry: Polygon; properties?: unknown }>(
  features: readonly T[],
): Candidate[] {
  const first = features[0]?.geometry.coordinates[0]?.[0];
  const frame = createLocalFrame((first?.[0] as number) ?? 0, (first?.[1] as number) ?? 0);
  return features.map((feature, index) => ({
    index,
    confidence: confidenceOf(feature.properties),
    prepared: preparePolygon(feature.geometry.coordinates, frame),
  }));
}

function confidenceOf(properties: unknown): number {
  if (typeof properties !== 'object' || properties === null) return 0;
  const value = (properties as { confidence?: unknown }).confidence;
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Decides one candidate against the kept neighbours; may demote a kept neighbour nested inside it. */
function verdict(
  candidate: Candidate,
  candidates: readonly Candidate[],
  neighbours: readonly number[],
  state: Uint8Array,
  thresholds: { iouThreshold: number; containment: number },
): number {
  const a = candidate.prepared;
  const inside: number[] = [];
  for (const j of neighbours) {
    if (state[j] !== 1) continue;
    const b = (candidates[j] as Candidate).prepared;
    const bound = overlapBound(a, b);
    const couldDuplicate = bound / (a.area + b.area - bound) >= thresholds.iouThreshold;
    const couldNest = bound >= thresholds.containment * Math.min(a.area, b.area);
    if (!couldDuplicate && !couldNest) continue;
    const inter = intersectionArea(a, b);
    if (inter / (a.area + b.area - inter) >= thresholds.iouThreshold) return 3;
    if (inter >= thresholds.containment * a.area) return 2;
    if (inter >= thresholds.containment * b.area) inside.push(j);
  }
  for (const j of inside) state[j] = 2;
  return 1;
}
