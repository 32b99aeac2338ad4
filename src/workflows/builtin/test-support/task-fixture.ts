/**
 * @module workflows/builtin/test-support/task-fixture — what the shipped-task tests share: a temp folder with a file
 * blob store, a configuration trusting loopback imagery, a synthetic tile server of 64 px tiles, small training and
 * prediction areas, the scene's buildings stored as a label blob, and real task contexts.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lonLatToTile, tileBounds } from '../../../geo/index.ts';
import type { BBox } from '../../../geo/index.ts';
import { loadConfig } from '../../../shared/index.ts';
import type { Config } from '../../../shared/index.ts';
import { createBlobStore, putJson } from '../../../storage/index.ts';
import type { BlobStore } from '../../../storage/index.ts';
import { startSyntheticTileServer, syntheticBuildings } from '../../../synthetic/index.ts';
import type { SyntheticTileServer } from '../../../synthetic/index.ts';
import type { ControlPlaneHooks, TaskContext, TaskEvent } from '../../task-definition.ts';

/** Zoom of the fixture's tiles (64 px tiles at zoom 20: about 0.6 m per pixel). */
export const FIXTURE_ZOOM = 20;
/** Chip size of the fixture's datasets. */
export const FIXTURE_CHIP_SIZE = 64;

/** A task context and what the task logged and emitted through it. */
export type RecordedContext = TaskContext & { lines: string[]; events: TaskEvent[] };

/** The shared parts of a shipped-task test. */
export type TaskFixture = {
  dir: string;
  blobs: BlobStore;
  config: Config;
  server: SyntheticTileServer;
  /** 4 × 4 tiles at the scene centre. */
  trainBBox: BBox;
  /** 3 × 3 tiles east of the training area. */
  predictBBox: BBox;
  /** Blob URI of the training area's buildings (GeoJSON). */
  labelsUri: string;
  /** A fresh context for one attempt of `node` (its own work folder). */
  context(node: string, hooks?: ControlPlaneHooks): Promise<RecordedContext>;
  close(): Promise<void>;
};

/** The bbox through the centres of a block of tiles, so tile covers take exactly the block. */
function blockBBox(x: number, y: number, side: number): BBox {
  const first = tileBounds({ x, y, z: FIXTURE_ZOOM });
  const last = tileBounds({ x: x + side - 1, y: y + side - 1, z: FIXTURE_ZOOM });
  return [
    (first[0] + first[2]) / 2,
    (last[1] + last[3]) / 2,
    (last[0] + last[2]) / 2,
    (first[1] + first[3]) / 2,
  ];
}

/**
 * Starts the fixture.
 * @param env - extra environment for `loadConfig` (default: data dir in the temp folder, private network allowed)
 */
export async function startTaskFixture(env: Record<string, string> = {}): Promise<TaskFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-builtin-'));
  const config = loadConfig({ FAIR_DATA_DIR: dir, FAIR_ALLOW_PRIVATE_NETWORK: '1', ...env });
  const blobs = await createBlobStore(undefined, { dataDir: dir, s3: config.s3 });
  const server = await startSyntheticTileServer({ seed: 42, tileSize: FIXTURE_CHIP_SIZE });
  const [lon, lat] = server.scene.center;
  const centre = lonLatToTile(lon, lat, FIXTURE_ZOOM);
  const trainBBox = blockBBox(centre.x - 2, centre.y - 2, 4);
  const predictBBox = blockBBox(centre.x + 3, centre.y - 1, 3);
  const labels = syntheticBuildings(server.scene, trainBBox);
  const labelsUri = (await putJson(blobs, 'inputs/labels.geojson', labels)).uri;
  let attempts = 0;
  return {
    dir,
    blobs,
    config,
    server,
    trainBBox,
    predictBBox,
    labelsUri,
    async context(node, hooks) {
      const workDir = join(dir, 'work', `${node}-${++attempts}`);
      await mkdir(workDir, { recursive: true });
      const lines: string[] = [];
      const events: TaskEvent[] = [];
      return {
        executionId: 'test-execution',
        nodeId: node,
        attempt: attempts,
        blobs,
        outputPrefix: `executions/test-execution/${node}/attempt-${attempts}`,
        workDir,
        config,
        signal: new AbortController().signal,
        log: (line) => void lines.push(line),
        emit: (event) => void events.push(event),
        hooks,
        lines,
        events,
      };
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
