/**
 * End-to-end over HTTP (issue 2 §7): the synthetic tile server (TileJSON + 512 px XYZ tiles) and its truth footprints
 * fetched as GeoJSON → datasets at two zooms, checked against the footprints.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetChip, prepareDataset, type DatasetManifest } from '../../src/datasets/index.ts';
import {
  bboxesIntersect,
  bboxOfGeometry,
  bboxPolygon,
  lonLatToTile,
  tileBounds,
  type Polygonal,
} from '../../src/geo/index.ts';
import { openImagerySource, type ImagerySource } from '../../src/imagery/index.ts';
import { parseLabelGeoJson, type LabelCollection } from '../../src/labels/index.ts';
import { createStacValidator } from '../../src/shared/index.ts';
import { startSyntheticTileServer, type SyntheticTileServer } from '../../src/synthetic/index.ts';
import { maskLabelIoU } from './mask-agreement.ts';

const root = path.resolve(import.meta.dirname, '../..');

let server: SyntheticTileServer;
let work: string;
let labels: LabelCollection;
let manifest: DatasetManifest;
let out: string;
let imagery: ImagerySource;
let aoi: Polygonal;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'fair-datasets-synthetic-'));
  server = await startSyntheticTileServer({ seed: 42, tileSize: 512 });
  const [lon, lat] = server.scene.center;
  // One z19 tile near the centre of the scene (4 z20 tiles), inset so that no neighbour is touched.
  const [w, s, e, n] = tileBounds(lonLatToTile(lon, lat, 19));
  const bbox: [number, number, number, number] = [w + 1e-7, s + 1e-7, e - 1e-7, n - 1e-7];
  const response = await fetch(`${server.buildingsUrl}?bbox=${bbox.join(',')}`);
  labels = parseLabelGeoJson(await response.text()).labels;
  imagery = await openImagerySource(server.tileJsonUrl, { allowPrivateNetwork: true });
  aoi = bboxPolygon(bbox);
  out = path.join(work, 'binary');
  manifest = await prepareDataset({ imagery, labels, aoi, zooms: [19, 20], out });
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe('prepareDataset from the synthetic tile server over HTTP', () => {
  it('splits each 512 px tile into four 256 px chips at both zooms', () => {
    expect(manifest.zooms).toEqual([19, 20]);
    expect(manifest.chips.filter((c) => c.tile.z === 19)).toHaveLength(4);
    expect(manifest.chips.filter((c) => c.tile.z === 20)).toHaveLength(16);
    expect(manifest.chips.every((c) => c.window?.of === 2)).toBe(true);
    expect(manifest.imagery).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('has buildings, and masks that agree with the truth footprints (IoU ≥ 0.9)', async () => {
    expect(labels.features.length).toBeGreaterThan(3);
    const geometries = labels.features.map((f) => f.geometry);
    const withBuildings = manifest.chips.filter((c) => c.buildings > 0);
    expect(withBuildings.length).toBeGreaterThan(manifest.chips.length / 2);
    const low: string[] = [];
    for (const entry of withBuildings) {
      const { mask } = await loadDatasetChip(out, manifest, entry);
      const near = geometries.filter((g) => bboxesIntersect(bboxOfGeometry(g), entry.bounds));
      const { iou, labelArea } = maskLabelIoU(mask, 256, near, entry.bounds, entry.tile.z + 1);
      if (labelArea >= 100 && iou < 0.9) low.push(`${entry.id} ${iou.toFixed(3)}`);
    }
    expect(low).toEqual([]);
  });

  it('lines masks up with the rendered roofs: image edges peak on the mask outline at zero shift', async () => {
    const scores = new Map<string, number>();
    for (const entry of manifest.chips.filter((c) => c.tile.z === 20)) {
      const { image, mask } = await loadDatasetChip(out, manifest, entry);
      for (const [shift, score] of outlineEdgeScores(image.data, mask, 256, 3))
        scores.set(shift, (scores.get(shift) ?? 0) + score);
    }
    const best = [...scores].sort((a, b) => b[1] - a[1])[0];
    expect(best?.[0]).toBe('0,0');
  });

  it('writes multi-class masks with all four classes and a STAC Item that validates, linking the tile server', async () => {
    const multiOut = path.join(work, 'multi');
    const multi = await prepareDataset({
      imagery,
      labels,
      aoi,
      zooms: [19],
      out: multiOut,
      maskKind: 'multi',
    });
    const seen = new Set<number>();
    for (const entry of multi.chips)
      for (const v of (await loadDatasetChip(multiOut, multi, entry)).mask) seen.add(v);
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    const item = JSON.parse(await readFile(path.join(multiOut, 'stac-item.json'), 'utf8')) as {
      links: { rel: string }[];
    };
    expect(item.links.map((l) => l.rel)).toEqual(['source']);
    const validator = await createStacValidator(path.resolve(root, '../shared/schemas/stac'));
    expect(validator.validate(item).errors).toEqual([]);
  });
});

/**
 * Mean luminance gradient on the mask outline (footprint pixels with a background neighbour), for the outline shifted
 * by each (dx, dy) within ±range: the roofs' edges are where the imagery changes most, so the true alignment wins.
 */
function outlineEdgeScores(
  rgb: Uint8Array,
  mask: Uint8Array,
  size: number,
  range: number,
): Map<string, number> {
  const lum = (x: number, y: number): number => {
    const p = (y * size + x) * 3;
    return 0.3 * (rgb[p] as number) + 0.59 * (rgb[p + 1] as number) + 0.11 * (rgb[p + 2] as number);
  };
  const gradient = new Float32Array(size * size);
  for (let y = 1; y < size - 1; y++)
    for (let x = 1; x < size - 1; x++)
      gradient[y * size + x] =
        Math.abs(lum(x + 1, y) - lum(x - 1, y)) + Math.abs(lum(x, y + 1) - lum(x, y - 1));
  const inside = (x: number, y: number): boolean => mask[y * size + x] === 1;
  const outline: [number, number][] = [];
  for (let y = 1; y < size - 1; y++)
    for (let x = 1; x < size - 1; x++)
      if (inside(x, y) && (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1)))
        outline.push([x, y]);
  const scores = new Map<string, number>();
  for (let dy = -range; dy <= range; dy++)
    for (let dx = -range; dx <= range; dx++) {
      let sum = 0;
      let n = 0;
      for (const [x, y] of outline) {
        const sx = x + dx;
        const sy = y + dy;
        if (sx < 1 || sy < 1 || sx >= size - 1 || sy >= size - 1) continue;
        sum += gradient[sy * size + sx] as number;
        n++;
      }
      scores.set(`${dx},${dy}`, n === 0 ? 0 : sum / n);
    }
  return scores;
}
