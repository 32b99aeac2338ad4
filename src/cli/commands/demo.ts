/**
 * @module cli/commands/demo — `fair demo`, the README's main job: the whole flow on embedded defaults and the
 * synthetic imagery server, offline (issue 2 §1).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { BBox } from '../../geo/index.ts';
import { createProgressBar, type Config } from '../../shared/index.ts';

type DemoFlags = { out?: string; seed: string; json?: boolean };

/** A training area of 4×3 zoom-19 tiles near the synthetic scene's centre (about 230 m × 170 m). */
export function demoTrainingBBox(center: readonly [number, number]): BBox {
  const [lon, lat] = center;
  return [lon - 0.001, lat - 0.0008, lon + 0.001, lat + 0.0008];
}

/**
 * Adds `fair demo`.
 * @param program - the root command
 * @param config - process configuration (the data directory holds the demo's output by default)
 */
export function registerDemoCommands(program: Command, config: Config): void {
  program
    .command('demo')
    .description(
      'run the main job offline: synthetic imagery server → training dataset (chips + masks + STAC)',
    )
    .option('--out <dir>', 'output folder (default <data dir>/demo)')
    .option('--seed <n>', 'seed of the synthetic scene', '42')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: DemoFlags) => runDemo(flags, config));
}

async function runDemo(flags: DemoFlags, config: Config): Promise<void> {
  const [
    { startSyntheticTileServer, syntheticBuildings },
    { openImagerySource },
    { prepareDataset },
    { bboxToPolygon },
  ] = await Promise.all([
    import('../../synthetic/index.ts'),
    import('../../imagery/index.ts'),
    import('../../datasets/index.ts'),
    import('../../labels/index.ts'),
  ]);
  const out = resolve(flags.out ?? join(config.dataDir, 'demo'));
  const seed = Number(flags.seed);
  const server = await startSyntheticTileServer({ seed });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  try {
    log(`synthetic imagery: ${server.tileTemplate}`);
    const bbox = demoTrainingBBox(server.scene.center);
    // The demo trusts the loopback server it started itself, and nothing else on private addresses.
    const imagery = await openImagerySource(server.tileJsonUrl, { trustedOrigins: [server.url] });
    const labels = syntheticBuildings(server.scene, bbox);
    const datasetDir = join(out, 'dataset');
    await mkdir(out, { recursive: true });
    await rm(datasetDir, { recursive: true, force: true });
    const aoi = bboxToPolygon(bbox);
    const manifest = await prepareDataset({
      imagery,
      labels,
      aoi,
      zooms: [19],
      out: datasetDir,
      maskKind: 'multi',
      progress: createProgressBar(process.stderr),
    });
    const summary = {
      imagery: server.tileTemplate,
      aoi: bbox,
      dataset: datasetDir,
      chips: manifest.chips.length,
      buildings: labels.features.length,
      stac_item: join(datasetDir, 'stac-item.json'),
    };
    if (flags.json) console.log(JSON.stringify(summary, null, 2));
    else
      console.log(
        `dataset: ${summary.chips} chips with ${summary.buildings} buildings in ${datasetDir}\n` +
          `STAC item: ${summary.stac_item}`,
      );
  } finally {
    await server.close();
  }
}
