/**
 * @module tests/predict/predict-e2e.test — the quality bar: `predictBuildings` with the shipped base model over
 * the synthetic tile server reaches object F1 ≥ 0.8 (IoU ≥ 0.5, one-to-one) against the generator's own footprints.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BBox } from '../../src/geo/index.ts';
import { openImagerySource } from '../../src/imagery/index.ts';
import { matchPolygons } from '../../src/polygons/index.ts';
import { predictBuildings } from '../../src/predict/index.ts';
import { startSyntheticTileServer, syntheticBuildings } from '../../src/synthetic/index.ts';
import type { SyntheticTileServer } from '../../src/synthetic/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
/** The base model trained on synthetic imagery, committed under models/ (issue 3). */
const baseModel = path.join(root, 'models/base-unet-s');
const haveModel = existsSync(path.join(baseModel, 'model.onnx'));

let server: SyntheticTileServer;

describe('predictBuildings with models/base-unet-s over the synthetic server', () => {
  beforeAll(async () => {
    if (haveModel) server = await startSyntheticTileServer({ seed: 42 });
  });
  afterAll(async () => {
    if (haveModel) await server.close();
  });

  it.skipIf(!haveModel)(
    'reaches object F1 >= 0.8 against the synthetic truth (needs models/base-unet-s)',
    async () => {
      const imagery = await openImagerySource(server.tileJsonUrl, { trustedOrigins: [server.url] });
      const [lon, lat] = server.scene.center;
      // About 220 m × 220 m east of the centre: dense blocks, terraces with shared walls, trees over roofs.
      const bbox: BBox = [lon + 0.0012, lat - 0.001, lon + 0.0032, lat + 0.001];
      const { features, summary } = await predictBuildings({
        model: baseModel,
        imagery,
        area: bbox,
        zoom: 19,
        threads: 2,
      });
      const truth = syntheticBuildings(server.scene, bbox).features.map((f) => f.geometry);
      const match = matchPolygons(
        features.map((f) => f.geometry),
        truth,
        { threshold: 0.5 },
      );
      expect(truth.length).toBeGreaterThan(100);
      expect(summary.features).toBe(features.length);
      expect(
        match.f1,
        `object F1 ${match.f1.toFixed(3)} (P ${match.precision.toFixed(3)}, R ${match.recall.toFixed(3)})`,
      ).toBeGreaterThanOrEqual(0.8);
    },
  );
});
