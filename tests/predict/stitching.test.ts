/**
 * @module tests/predict/stitching.test — the pipeline end to end with a real one-layer ONNX model over a local tile
 * server: buildings across tile edges come out as one polygon each, identically with stripes, bands and overlaps of
 * any size; missing tiles are no imagery; conflation drops what is mapped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileBounds } from '../../src/geo/index.ts';
import type { BBox, Tile } from '../../src/geo/index.ts';
import { openImagerySource } from '../../src/imagery/index.ts';
import type { ImagerySource } from '../../src/imagery/index.ts';
import { matchPolygons } from '../../src/polygons/index.ts';
import { predictBuildings } from '../../src/predict/index.ts';
import type { PredictOptions } from '../../src/predict/index.ts';
import { writeRedModel } from './support/red-model.ts';
import { rectPolygon, startRectTileServer } from './support/rect-tile-server.ts';
import type { PixelRect, RectTileServer } from './support/rect-tile-server.ts';

const Z = 18;
const T = 256;
// A 4 × 3 tile area near Banepa (z18 tiles are ~140 m there).
const X0 = 193_797;
const Y0 = 110_122;
const px = (col: number, dx: number): number => (X0 + col) * T + dx;
const py = (row: number, dy: number): number => (Y0 + row) * T + dy;

/** Buildings crossing a vertical edge, a horizontal edge, a tile corner, and three tiles wide. */
const edgeRects: PixelRect[] = [
  [px(0, 220), py(0, 40), px(1, 44), py(0, 90)],
  [px(2, 100), py(0, 230), px(2, 150), py(1, 34)],
  [px(2, -30), py(2, -25), px(2, 35), py(2, 30)],
  [px(0, 180), py(2, 120), px(3, 20), py(2, 170)],
];

/** Tiles' bbox shrunk a little, so exactly the 4 × 3 tiles cover it. */
function areaOf(cols: number, rows: number): BBox {
  const [w, , , n] = tileBounds({ x: X0, y: Y0, z: Z });
  const [, s, e] = tileBounds({ x: X0 + cols - 1, y: Y0 + rows - 1, z: Z });
  const eps = 1e-7;
  return [w + eps, s + eps, e - eps, n - eps];
}

let dir = '';
let model = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-stitch-'));
  model = await writeRedModel(path.join(dir, 'red'), 64);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withServer<T>(
  rects: PixelRect[],
  run: (imagery: ImagerySource, server: RectTileServer) => Promise<T>,
  only?: (tile: Tile) => boolean,
): Promise<T> {
  const server = await startRectTileServer(rects, { zoom: Z, tileSize: T, ...(only ? { only } : {}) });
  try {
    return await run(await openImagerySource(server.template, { trustedOrigins: [server.url] }), server);
  } finally {
    await server.close();
  }
}

function predict(imagery: ImagerySource, extra: Partial<PredictOptions> = {}) {
  return predictBuildings({
    model,
    imagery,
    area: areaOf(4, 3),
    zoom: Z,
    batchSize: 16,
    threads: 1,
    ...extra,
  });
}

describe('predictBuildings stitching', () => {
  it('returns one polygon per building crossing tile edges, matching its outline', async () => {
    // Scored against the drawn buildings, one more in the area that the imagery lacks, and one far outside it.
    const unseen: PixelRect = [px(1, 100), py(1, 100), px(1, 140), py(1, 130)];
    const far: PixelRect = [px(20, 0), py(0, 0), px(20, 40), py(0, 40)];
    const reference = {
      type: 'FeatureCollection' as const,
      features: [...edgeRects, unseen, far].map((r) => ({
        type: 'Feature' as const,
        properties: {},
        geometry: { type: 'Polygon' as const, coordinates: rectPolygon(r, Z, T) },
      })),
    };
    const { features, summary } = await withServer(edgeRects, (imagery) =>
      predict(imagery, { overlapPx: 16, reference }),
    );
    expect(summary.tiles).toBe(6 * 5); // the 4 × 3 tiles and the ring of tiles within the 30 m edge margin
    expect(features).toHaveLength(edgeRects.length);
    expect(summary.reference).toEqual({
      reference_buildings: edgeRects.length + 1,
      predicted_buildings: edgeRects.length,
      matched: edgeRects.length,
      precision: 1,
      recall: 0.8,
      f1: 0.8889,
    });
    const match = matchPolygons(
      features.map((f) => f.geometry),
      edgeRects.map((r) => rectPolygon(r, Z, T)),
      { threshold: 0.95 },
    );
    expect(match.tp).toBe(edgeRects.length);
    expect(features.every((f) => f.properties.confidence > 0.9 && f.properties.building === 'yes')).toBe(
      true,
    );
  });

  it('finds the same polygons with narrow stripes, no overlap, a wide overlap or test-time augmentation', async () => {
    // Many buildings over a 6 × 5 tile grid, at every kind of position relative to tile edges.
    const rects: PixelRect[] = [];
    for (let i = 0; i < 6 * 5 * 3; i++) {
      const x = px(0, 10 + ((i * 97) % (6 * T - 80)));
      const y = py(0, 10 + ((i * 53) % (5 * T - 80)));
      const r: PixelRect = [x, y, x + 12 + (i % 5) * 9, y + 10 + (i % 7) * 8];
      if (!rects.some((o) => r[0] < o[2] + 3 && o[0] < r[2] + 3 && r[1] < o[3] + 3 && o[1] < r[3] + 3))
        rects.push(r);
    }
    const truth = rects.map((r) => rectPolygon(r, Z, T));
    await withServer(rects, async (imagery) => {
      for (const extra of [
        { overlapPx: 0 },
        { overlapPx: 24, maxStripeWidthPx: 256 },
        { overlapPx: 8, maxStripeWidthPx: 512, batchSize: 3 },
        { overlapPx: 16, batchSize: 5, tta: 8 },
      ]) {
        const { features, summary } = await predictBuildings({
          model,
          imagery,
          area: areaOf(6, 5),
          zoom: Z,
          threads: 1,
          ...extra,
        });
        const match = matchPolygons(
          features.map((f) => f.geometry),
          truth,
          { threshold: 0.9 },
        );
        expect({
          ...extra,
          stripes: summary.stripes > 1,
          tta: summary.tta,
          tp: match.tp,
          fp: match.fp,
        }).toEqual({
          ...extra,
          stripes: extra.maxStripeWidthPx !== undefined,
          tta: extra.tta ?? 1,
          tp: rects.length,
          fp: 0,
        });
      }
    });
  });

  it('refuses a model that does not take RGB, naming it, while its tiles were being read', async () => {
    const grey = await writeRedModel(path.join(dir, 'grey'), 64, 1);
    await withServer(edgeRects, async (imagery, server) => {
      await expect(predict(imagery, { model: grey })).rejects.toThrow(
        /grey[/\\]model\.onnx takes 1 input channels; imagery is RGB/,
      );
      // The model loads while the first tiles are read; once requests sent before the refusal have arrived, no more
      // are asked for.
      const settle = (): Promise<void> => new Promise((done) => setTimeout(done, 200));
      await settle();
      const asked = server.requests();
      expect(asked).toBeGreaterThan(0);
      await settle();
      expect(server.requests()).toBe(asked);
    });
  });

  it('treats missing tiles as no imagery and skips windows with none', async () => {
    const missing = (t: { x: number; y: number }): boolean => !(t.x === X0 + 3 && t.y === Y0);
    const { features, summary } = await withServer(edgeRects, (imagery) => predict(imagery), missing);
    expect(summary.tiles_missing).toBe(1);
    expect(summary.windows_skipped).toBeGreaterThan(0);
    expect(features).toHaveLength(edgeRects.length);
  });

  it('drops buildings already mapped and counts them', async () => {
    const mapped = edgeRects.slice(0, 2).map((r) => ({
      type: 'Feature' as const,
      geometry: { type: 'Polygon' as const, coordinates: rectPolygon(r, Z, T) },
      properties: {},
    }));
    const { features, summary } = await withServer(edgeRects, (imagery) =>
      predict(imagery, { conflateWith: { type: 'FeatureCollection', features: mapped } }),
    );
    expect(summary.dropped_conflated).toBe(2);
    expect(features).toHaveLength(edgeRects.length - 2);
  });

  it('streams buildings to onFeature, whole across the area edge, keeping only those meeting the area', async () => {
    // A bbox over the north-west tile only: of the buildings, only the first meets it, and it crosses into the next tile.
    const [w, s, e, n] = tileBounds({ x: X0, y: Y0, z: Z });
    const area: BBox = [w + 1e-7, s + 1e-7, e - 1e-7, n - 1e-7];
    const truth = [rectPolygon(edgeRects[0] as PixelRect, Z, T)];
    await withServer(edgeRects, async (imagery) => {
      const streamed: { geometry: { coordinates: number[][][] } }[] = [];
      const { features, summary } = await predict(imagery, { area, onFeature: (f) => void streamed.push(f) });
      expect(features).toEqual([]);
      expect(summary.features).toBe(1);
      expect(summary.tiles).toBe(9);
      expect(
        matchPolygons(
          streamed.map((f) => f.geometry.coordinates),
          truth,
          { threshold: 0.95 },
        ).tp,
      ).toBe(1);
      // Without the edge margin only the area's own tile is read and the building is cut at its edge.
      const cut = await predict(imagery, { area, edgeMarginM: 0 });
      expect(cut.summary.tiles).toBe(1);
      expect(
        matchPolygons(
          cut.features.map((f) => f.geometry),
          truth,
          { threshold: 0.95 },
        ).tp,
      ).toBe(0);
    });
  });
});
