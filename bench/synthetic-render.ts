/**
 * @module bench/synthetic-render — `npm run bench:synthetic`: milliseconds per 256 px synthetic tile (cold: blocks
 * generated on first use; warm: cached) at zooms 16..20 over the default scene, and PNG tiles per second through the
 * local tile server (issue 2 §6). Target: ≤ 20 ms per warm z19 tile on one core. Exits 1 when the target is missed.
 */
import { lonLatToTile, type Tile } from '../src/geo/index.ts';
import {
  createSyntheticScene,
  renderSyntheticTile,
  startSyntheticTileServer,
} from '../src/synthetic/index.ts';

const TARGET_Z19_MS = 20;

function tilesAround(z: number, side: number, offset: number): Tile[] {
  const centre = lonLatToTile(36.8, -1.3, z);
  const tiles: Tile[] = [];
  for (let dy = 0; dy < side; dy++)
    for (let dx = 0; dx < side; dx++) tiles.push({ x: centre.x + offset + dx, y: centre.y + offset + dy, z });
  return tiles;
}

function timePerTile(tiles: Tile[], render: (tile: Tile) => void): number {
  const start = process.cpuUsage();
  for (const tile of tiles) render(tile);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / tiles.length;
}

const rows: Array<{ zoom: number; coldMs: number; warmMs: number }> = [];
for (const zoom of [16, 17, 18, 19, 20]) {
  const scene = createSyntheticScene({ seed: 42 });
  const tiles = tilesAround(zoom, zoom >= 19 ? 8 : 4, -3);
  const coldMs = timePerTile(tiles, (t) => renderSyntheticTile(scene, t));
  const warmMs = timePerTile(tiles, (t) => renderSyntheticTile(scene, t));
  rows.push({ zoom, coldMs, warmMs });
}
console.table(
  rows.map((r) => ({
    zoom: r.zoom,
    'cold ms/tile': r.coldMs.toFixed(1),
    'warm ms/tile': r.warmMs.toFixed(1),
  })),
);

const server = await startSyntheticTileServer({ seed: 42 });
const tiles = tilesAround(19, 8, 10);
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < tiles.length) {
      const t = tiles[next++] as Tile;
      const response = await fetch(
        server.tileTemplate.replace('{z}', `${t.z}`).replace('{x}', `${t.x}`).replace('{y}', `${t.y}`),
      );
      await response.arrayBuffer();
    }
  }),
);
const tilesPerSecond = tiles.length / ((performance.now() - started) / 1000);
await server.close();
const z19 = rows.find((r) => r.zoom === 19)?.warmMs ?? Infinity;
const tenKm2Tiles = 10e6 / (0.2985 * 256) ** 2;
console.log(`server: ${tilesPerSecond.toFixed(1)} PNG tiles/s at z19 (4 concurrent requests)`);
console.log(
  `a 10 km² run at z19 is ~${Math.round(tenKm2Tiles)} tiles: ~${Math.round(tenKm2Tiles / tilesPerSecond)} s through the server`,
);
console.log(`z19 warm: ${z19.toFixed(1)} ms/tile (target ≤ ${TARGET_Z19_MS})`);
if (z19 > TARGET_Z19_MS) process.exitCode = 1;
