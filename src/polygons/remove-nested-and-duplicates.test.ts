import type { Feature, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { filterByArea } from './building-features.ts';
import { createLocalFrame } from './local-metres.ts';
import { removeNestedAndDuplicates } from './remove-nested-and-duplicates.ts';
import { createBBoxGrid } from './spatial-grid.ts';

const frame = createLocalFrame(85.52, 27.63);

/** A square building of `size` metres with its south-west corner at (x, y) metres, counter-clockwise. */
function square(
  x: number,
  y: number,
  size: number,
  confidence = 0.5,
  id = '',
): Feature<Polygon, { confidence: number; id: string }> {
  const ring: Position[] = [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ].map((p) => frame.toLonLat(p));
  return {
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [ring] },
    properties: { confidence, id },
  };
}

describe('removeNestedAndDuplicates', () => {
  it('keeps the more confident of two near-duplicates', () => {
    const result = removeNestedAndDuplicates([square(0, 0, 10, 0.6, 'a'), square(0.3, 0.2, 10, 0.9, 'b')]);
    expect(result.kept.map((f) => f.properties.id)).toEqual(['b']);
    expect([result.removed, result.duplicates, result.nested]).toEqual([1, 1, 0]);
  });

  it('drops a prediction lying inside another, whatever its confidence', () => {
    const outer = square(0, 0, 20, 0.4, 'outer');
    const inner = square(5, 5, 6, 0.95, 'inner');
    const edge = square(16, 16, 6, 0.9, 'half outside');
    const result = removeNestedAndDuplicates([outer, inner, edge]);
    expect(result.kept.map((f) => f.properties.id)).toEqual(['outer', 'half outside']);
    expect(result.nested).toBe(1);
  });

  it('keeps neighbours that share a wall and overlaps below the thresholds', () => {
    const features = [
      square(0, 0, 10, 0.5, 'a'),
      square(10, 0, 10, 0.5, 'b'),
      square(5, 12, 10, 0.5, 'c'),
      square(8, 14, 10, 0.7, 'd'),
    ];
    const result = removeNestedAndDuplicates(features, { iouThreshold: 0.8 });
    expect(result.kept).toHaveLength(4);
    expect(removeNestedAndDuplicates(features, { iouThreshold: 0.35 }).duplicates).toBe(1);
  });

  it('is deterministic: input order does not change what is kept', () => {
    const features = [square(0, 0, 10, 0.5, 'a'), square(0.1, 0, 10, 0.5, 'b'), square(0, 0.1, 10, 0.5, 'c')];
    const forward = removeNestedAndDuplicates(features).kept.map((f) => f.properties.id);
    expect(forward).toHaveLength(1);
    expect(removeNestedAndDuplicates([...features].reverse()).kept).toHaveLength(1);
  });

  it('handles twenty thousand buildings with scattered duplicates', () => {
    const features: Feature<Polygon, { confidence: number; id: string }>[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = (i % 200) * 12;
      const y = Math.floor(i / 200) * 12;
      features.push(square(x, y, 10, 0.5, String(i)));
      if (i % 1000 === 0) features.push(square(x + 0.2, y + 0.2, 10, 0.4, `dup${i}`));
    }
    const result = removeNestedAndDuplicates(features);
    expect(result.kept).toHaveLength(20_000);
    expect(result.duplicates).toBe(20);
  });

  it('rejects thresholds outside (0, 1]', () => {
    expect(() => removeNestedAndDuplicates([], { iouThreshold: 0 })).toThrow(/iouThreshold 0/);
  });
});

describe('filterByArea', () => {
  it('drops buildings below the geodesic area threshold', () => {
    const { kept, removed } = filterByArea([square(0, 0, 1.5), square(10, 0, 2), square(20, 0, 10)], 3);
    expect(kept).toHaveLength(2);
    expect(removed).toBe(1);
    expect(() => filterByArea([], -1)).toThrow(/minimum area -1/);
  });
});

describe('createBBoxGrid', () => {
  it('finds every box overlapping a query, each once', () => {
    const boxes: [number, number, number, number][] = [
      [0, 0, 1, 1],
      [5, 5, 6, 6],
      [0.5, 0.5, 20, 20],
      [100, 100, 101, 101],
    ];
    const grid = createBBoxGrid(boxes);
    expect(grid.query([0.9, 0.9, 5.5, 5.5])).toEqual([0, 1, 2]);
    expect(grid.query([50, 50, 60, 60])).toEqual([]);
    expect(grid.query([-1000, -1000, 1000, 1000])).toEqual([0, 1, 2, 3]);
  });
});
