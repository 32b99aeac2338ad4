/**
 * @module labels/aoi-filter — drops labels that an Overpass area filter let through but that lie outside the AOI:
 * inside one of its holes (a `poly:` filter has none), or outside its outline when the query used the AOI's bbox.
 */
import type { Position } from 'geojson';
import { type BBox, type Polygonal, bboxOfGeometry, bboxesIntersect, polygonsOf } from '../geo/index.ts';
import type { LabelCollection } from './label-types.ts';
import { pointInRing } from '../geo/index.ts';

/** Whether a filter is needed at all: the AOI has holes, or the query could not use its outline. */
export function needsAoiFilter(aoi: Polygonal, queriedAsBBox: boolean): boolean {
  return queriedAsBBox || polygonsOf(aoi).some((rings) => rings.length > 1);
}

/**
 * Keeps the labels that meet the AOI: one of their vertices lies in the AOI (inside an outer ring, not inside a hole),
 * or one of the AOI's vertices lies inside them. A label that only crosses the AOI edge between vertices of both is
 * dropped (rare for buildings).
 * @param labels - labels from a query over the AOI's outline or bbox
 * @param aoi - the AOI
 * @returns a new collection with the labels that meet the AOI, in the same order
 */
export function keepLabelsInAoi(labels: LabelCollection, aoi: Polygonal): LabelCollection {
  const parts = polygonsOf(aoi).map(([outer = [], ...holes]): AoiPart => ({
    box: bboxOfGeometry({ type: 'Polygon', coordinates: [outer] }),
    outer,
    holes,
  }));
  const aoiVertices = parts.flatMap(({ outer, holes }) => [outer, ...holes].flat());
  const features = labels.features.filter((feature) => {
    const outers = polygonsOf(feature.geometry).map((rings) => rings[0] ?? []);
    if (outers.some((ring) => ring.some((vertex) => inAoi(vertex, parts)))) return true;
    const box = bboxOfGeometry(feature.geometry);
    return aoiVertices.some(
      ([x = 0, y = 0]) =>
        bboxesIntersect(box, [x, y, x, y]) && outers.some((ring) => pointInRing([x, y], ring) !== 'outside'),
    );
  });
  return { ...labels, features };
}

type AoiPart = { box: BBox; outer: Position[]; holes: Position[][] };

function inAoi(vertex: Position, parts: AoiPart[]): boolean {
  const [x = 0, y = 0] = vertex;
  return parts.some(
    ({ box, outer, holes }) =>
      x >= box[0] &&
      x <= box[2] &&
      y >= box[1] &&
      y <= box[3] &&
      pointInRing(vertex, outer) !== 'outside' &&
      holes.every((hole) => pointInRing(vertex, hole) !== 'inside'),
  );
}
