/**
 * @module bench/polygons — speed of the polygon pipeline (issue 4 §3) on real Banepa footprints: multi-class
 * polygonization of a 6 × 8 tile mosaic (1536 × 2048 px, ~1,470 buildings), the whole post-processing chain on those
 * buildings, duplicate removal over 20,000 buildings, and the polygon-based object metric of one 256 px chip.
 * Targets: polygonization ≤ 100 ns per pixel; post-processing ≤ 1 ms per building; the chip metric ≤ 10 ms.
 *
 * Usage: npm run bench:polygons -- [--repeats 5]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import { buildMask } from '../src/datasets/index.ts';
import { createSegmentationEvaluator } from '../src/ml/index.ts';
import {
  createLocalFrame,
  lonLatPolygonToPixels,
  pixelPolygonToLonLat,
  polygonizeMulticlass,
  postprocessBuildings,
  removeNestedAndDuplicates,
} from '../src/polygons/index.ts';

const { values: args } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } });
const repeats = Number(args.repeats);

/** Median wall time of `fn` in ms over `repeats` runs after one warm-up run. */
function median(fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

const osmDir = resolve(import.meta.dirname, '..', '../shared/data/banepa/train/osm');
const osm: Polygon[] = [];
for (const file of readdirSync(osmDir).filter((f) => f.endsWith('.geojson'))) {
  const collection = JSON.parse(readFileSync(resolve(osmDir, file), 'utf8')) as FeatureCollection;
  for (const f of collection.features) if (f.geometry.type === 'Polygon') osm.push(f.geometry);
}
const grid = { z: 19, originX: 386690 * 256, originY: 220241 * 256, tileSize: 256 };
const [width, height] = [256 * 6, 256 * 8];
const { mask } = buildMask(
  osm.map((p) => [lonLatPolygonToPixels(grid, p.coordinates)]),
  width,
  height,
  { kind: 'multi' },
);

const results: Record<string, number> = {};
const polygons = polygonizeMulticlass(mask, width, height);
results['buildings'] = polygons.length;
results['polygonize_multiclass_mosaic_ms'] = median(() => polygonizeMulticlass(mask, width, height));
results['polygonize_ns_per_pixel'] = (results['polygonize_multiclass_mosaic_ms'] * 1e6) / (width * height);
const instances = polygons.map((p) => ({
  coordinates: pixelPolygonToLonLat(grid, p.polygon),
  confidence: 1,
}));
results['postprocess_ms'] = median(() => postprocessBuildings(instances));
results['postprocess_orthogonalize_ms'] = median(() =>
  postprocessBuildings(instances, { orthogonalize: true }),
);
results['postprocess_ms_per_building'] = results['postprocess_ms'] / polygons.length;

const frame = createLocalFrame(85.52, 27.63);
const squares: Feature<Polygon, { confidence: number }>[] = [];
for (let i = 0; i < 20_000; i++) {
  const [x, y] = [(i % 200) * 12, Math.floor(i / 200) * 12];
  const ring: Position[] = [
    [x, y],
    [x + 10, y],
    [x + 10, y + 10],
    [x, y + 10],
    [x, y],
  ].map((p) => frame.toLonLat(p));
  squares.push({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [ring] },
    properties: { confidence: 0.5 },
  });
}
results['dedupe_20000_ms'] = median(() => removeNestedAndDuplicates(squares));

const chip = new Uint8Array(256 * 256);
for (let row = 0; row < 256; row++) chip.set(mask.subarray(row * width, row * width + 256), row * 256);
const binaryChip = chip.map((v) => (v === 1 || v === 2 ? 1 : 0));
const binary = createSegmentationEvaluator({ size: 256 });
results['evaluate_binary_256_ms'] = median(() => binary.add(binaryChip, binaryChip));
const multi = createSegmentationEvaluator({ size: 256, mode: 'multiclass' });
results['evaluate_multiclass_256_ms'] = median(() => multi.add(chip, chip));

console.log(JSON.stringify({ repeats, ...results }, null, 2));
