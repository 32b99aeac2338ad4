/**
 * @module bench/prepare — `npm run bench:prepare`: chips per second of `prepareDataset` (256 px output chips) for the
 * Banepa sample read from disk, the same chips served by a local XYZ server, and the synthetic tile server (issue 2
 * §8). Target: ≥ 50 chips/s from disk on 2 cores. Exits 1 when the target is missed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { extentOfTiles, planTiles, prepareDataset, type MaskKind } from '../src/datasets/index.ts';
import { bboxOfGeometry, bboxPolygon, lonLatToTile, tileBounds, type Polygonal } from '../src/geo/index.ts';
import { openImagerySource, readTiles, type ImagerySource } from '../src/imagery/index.ts';
import { readLabelFile, type LabelCollection } from '../src/labels/index.ts';
import { syntheticBuildings, startSyntheticTileServer } from '../src/synthetic/index.ts';

const TARGET_FROM_DISK = 50;
const RUNS = 3;
const root = path.resolve(import.meta.dirname, '..');
const banepa = path.resolve(root, '../shared/data/banepa/train');
const chipsDir = path.join(banepa, 'oam');
const labelsFile = path.join(banepa, 'osm/osm_features_ac7e343eb1faacd2.geojson');

type Case = { name: string; imagery: ImagerySource; labels: LabelCollection; aoi?: Polygonal; zoom: number };
type Result = { name: string; mask: MaskKind; chips: number; chipsPerSecond: number; seconds: number[] };

/** Serves `OAM-{x}-{y}-{z}.tif` chips of a folder as `/{z}/{x}/{y}` over HTTP, like a tile server would. */
async function serveChipFolder(dir: string): Promise<{ template: string; server: Server }> {
  const server = createServer((req, res) => {
    const m = /^\/(\d+)\/(\d+)\/(\d+)$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    readFile(path.join(dir, `OAM-${m[2]}-${m[3]}-${m[1]}.tif`)).then(
      (bytes) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { template: `http://127.0.0.1:${(server.address() as AddressInfo).port}/{z}/{x}/{y}`, server };
}

async function measure(work: string, c: Case, mask: MaskKind): Promise<Result> {
  const seconds: number[] = [];
  let chips = 0;
  for (let run = 0; run < RUNS; run++) {
    const out = path.join(work, `${c.name}-${mask}-${run}`.replace(/\W+/g, '-'));
    const started = performance.now();
    const manifest = await prepareDataset({
      imagery: c.imagery,
      labels: c.labels,
      ...(c.aoi ? { aoi: c.aoi } : {}),
      zooms: [c.zoom],
      out,
      chipSize: 256,
      maskKind: mask,
    });
    seconds.push((performance.now() - started) / 1000);
    chips = manifest.chips.length;
    await rm(out, { recursive: true, force: true });
  }
  const median = [...seconds].sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
  return { name: c.name, mask, chips, chipsPerSecond: chips / median, seconds };
}

/** 8 × 8 tiles of 256 px at z19 around the synthetic scene's centre, served over HTTP by the synthetic tile server. */
async function syntheticCase(): Promise<{ case: Case; close: () => Promise<void> }> {
  const server = await startSyntheticTileServer({ seed: 7 });
  const [lon, lat] = server.scene.center;
  const z = 19;
  const centre = lonLatToTile(lon, lat, z);
  const nw = tileBounds({ x: centre.x - 4, y: centre.y - 4, z });
  const se = tileBounds({ x: centre.x + 3, y: centre.y + 3, z });
  const bbox: [number, number, number, number] = [nw[0], se[1], se[2], nw[3]];
  const aoi = bboxPolygon([bbox[0] + 1e-7, bbox[1] + 1e-7, bbox[2] - 1e-7, bbox[3] - 1e-7]);
  const imagery = await openImagerySource(server.tileTemplate, { allowPrivateNetwork: true });
  return {
    case: {
      name: 'synthetic tile server (HTTP)',
      imagery,
      labels: syntheticBuildings(server.scene, bbox),
      aoi,
      zoom: z,
    },
    close: () => server.close(),
  };
}

/** Tiles per second of reading alone (fetch + decode, no chips written), to show what the source itself allows. */
async function readOnly(c: Case): Promise<number> {
  const tiles = planTiles(c.imagery, c.aoi, [c.zoom]);
  const started = performance.now();
  let count = 0;
  for await (const _ of readTiles(c.imagery, tiles, { concurrency: 4 })) count++;
  return count / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'fair-bench-prepare-'));
  const labels = (await readLabelFile(labelsFile)).labels;
  const disk: Case = {
    name: 'Banepa from disk',
    imagery: await openImagerySource(chipsDir),
    labels,
    zoom: 19,
  };
  const served = await serveChipFolder(chipsDir);
  // The chips' extent, inset by ~1 cm so that rounding in the degree round trip adds no neighbouring tiles.
  const [w, s, e, n] = bboxOfGeometry(extentOfTiles(disk.imagery.listTiles() ?? []));
  const extent = bboxPolygon([w + 1e-7, s + 1e-7, e - 1e-7, n - 1e-7]);
  const http: Case = {
    name: 'Banepa over local HTTP',
    imagery: await openImagerySource(served.template, { allowPrivateNetwork: true }),
    labels,
    aoi: extent,
    zoom: 19,
  };
  const synthetic = await syntheticCase();
  const results: Result[] = [];
  try {
    for (const c of [disk, http, synthetic.case]) {
      for (const mask of ['binary', 'multi'] as const) {
        const result = await measure(work, c, mask);
        results.push(result);
        process.stdout.write(
          `${result.name.padEnd(30)} ${mask.padEnd(6)} ${String(result.chips).padStart(4)} chips  ` +
            `${result.chipsPerSecond.toFixed(1).padStart(6)} chips/s  (runs ${result.seconds.map((s) => s.toFixed(2)).join(', ')} s)\n`,
        );
      }
      const tilesPerSecond = await readOnly(c);
      process.stdout.write(
        `${c.name.padEnd(30)} tile reading alone  ${tilesPerSecond.toFixed(1).padStart(6)} tiles/s\n`,
      );
    }
  } finally {
    served.server.close();
    await synthetic.close();
    await rm(work, { recursive: true, force: true });
  }
  const fromDisk = Math.min(...results.filter((r) => r.name === disk.name).map((r) => r.chipsPerSecond));
  const met = fromDisk >= TARGET_FROM_DISK;
  process.stdout.write(
    `cores ${availableParallelism()}; target ≥ ${TARGET_FROM_DISK} chips/s from disk: ${met ? 'met' : 'MISSED'} (${fromDisk.toFixed(1)})\n`,
  );
  process.stdout.write(`${JSON.stringify({ bench: 'prepare', results, target: TARGET_FROM_DISK, met })}\n`);
  if (!met) process.exitCode = 1;
}

await main();
