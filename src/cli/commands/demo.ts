/**
 * @module cli/commands/demo — `fair demo`, the README's main job: the whole flow offline on embedded defaults and the
 * synthetic imagery server: dataset → finetuning the shipped base model → prediction over a new area → scores.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { BBox } from '../../geo/index.ts';
import { createProgressBar, type Config } from '../../shared/index.ts';

type DemoFlags = { out?: string; seed: string; epochs: string; json?: boolean };

/** The training area: 6×4 zoom-19 tiles west of the synthetic scene's centre (about 460 m × 300 m). */
export function demoTrainingBBox(center: readonly [number, number]): BBox {
  const [lon, lat] = center;
  return [lon - 0.0042, lat - 0.0014, lon - 0.0002, lat + 0.0013];
}

/** The prediction area: a new area east of the training area, never seen in training. */
export function demoPredictionBBox(center: readonly [number, number]): BBox {
  const [lon, lat] = center;
  return [lon + 0.0008, lat - 0.0014, lon + 0.0038, lat + 0.0013];
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
      'run the main job offline: synthetic imagery server → dataset → finetune the base model → predict a new area',
    )
    .option('--out <dir>', 'output folder (default <data dir>/demo)')
    .option('--seed <n>', 'seed of the synthetic scene', '42')
    .option('--epochs <n>', 'finetuning epochs', '4')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: DemoFlags) => runDemo(flags, config));
}

async function runDemo(flags: DemoFlags, config: Config): Promise<void> {
  const [synthetic, imageryDomain, datasets, labels, ml, predict, polygons] = await Promise.all([
    import('../../synthetic/index.ts'),
    import('../../imagery/index.ts'),
    import('../../datasets/index.ts'),
    import('../../labels/index.ts'),
    import('../../ml/index.ts'),
    import('../../predict/index.ts'),
    import('../../polygons/index.ts'),
  ]);
  const out = resolve(flags.out ?? join(config.dataDir, 'demo'));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const server = await synthetic.startSyntheticTileServer({ seed: Number(flags.seed) });
  try {
    log(`1/4 synthetic imagery server: ${server.tileTemplate}`);
    // The demo trusts the loopback server it started itself, and nothing else on private addresses.
    const imagery = await imageryDomain.openImagerySource(server.tileJsonUrl, {
      trustedOrigins: [server.url],
    });
    const trainBBox = demoTrainingBBox(server.scene.center);
    const datasetDir = join(out, 'dataset');
    await mkdir(out, { recursive: true });
    await rm(datasetDir, { recursive: true, force: true });
    const manifest = await datasets.prepareDataset({
      imagery,
      labels: synthetic.syntheticBuildings(server.scene, trainBBox),
      aoi: labels.bboxToPolygon(trainBBox),
      zooms: [19],
      out: datasetDir,
      maskKind: 'multi',
      progress: createProgressBar(process.stderr),
    });

    log(`2/4 finetuning unet-s from ${ml.shippedBaseCheckpoint('unet-s')}`);
    const modelDir = join(out, 'model');
    await rm(modelDir, { recursive: true, force: true });
    const training = await ml.trainModel(
      {
        datasetDir,
        out: modelDir,
        model: 'unet-s',
        baseIfCompatible: ml.shippedBaseCheckpoint('unet-s'),
        epochs: Number(flags.epochs),
        lr: 0.0005,
        seed: 42,
      },
      { progress: createProgressBar(process.stderr), onNote: (note) => log(`   ${note}`) },
    );

    log('3/4 predicting buildings over a new area');
    const predictBBox = demoPredictionBBox(server.scene.center);
    const prediction = await predict.predictBuildings({
      model: modelDir,
      imagery,
      area: predictBBox,
      zoom: 19,
      orthogonalize: true,
      previewMaxSize: 1024,
      progress: createProgressBar(process.stderr),
    });
    const predictionsPath = join(out, 'predictions.geojson');
    await predict.writeGeoJson(predictionsPath, prediction.features);
    const previewPath = join(out, 'predictions.png');
    if (prediction.preview) await writeFile(previewPath, prediction.preview);

    log('4/4 scoring the prediction against the scene truth');
    const truth = synthetic.syntheticBuildings(server.scene, predictBBox).features.map((f) => f.geometry);
    const score = polygons.matchPolygons(
      prediction.features.map((f) => f.geometry),
      truth,
      { threshold: 0.5 },
    );
    const summary = {
      imagery: server.tileTemplate,
      dataset: {
        dir: datasetDir,
        chips: manifest.chips.length,
        stac_item: join(datasetDir, 'stac-item.json'),
      },
      model: { dir: modelDir, validation: training.metrics, curves: join(modelDir, 'history.png') },
      prediction: {
        geojson: predictionsPath,
        preview: prediction.preview ? previewPath : null,
        features: prediction.summary.features,
        tiles: prediction.summary.tiles,
        seconds: prediction.summary.seconds,
        object_f1_vs_truth: round(score.f1),
        object_precision_vs_truth: round(score.precision),
        object_recall_vs_truth: round(score.recall),
      },
    };
    if (flags.json) console.log(JSON.stringify(summary, null, 2));
    else console.log(formatSummary(summary));
  } finally {
    await server.close();
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

type Summary = {
  dataset: { dir: string; chips: number; stac_item: string };
  model: { dir: string; validation: Record<string, number> | null; curves: string };
  prediction: {
    geojson: string;
    preview: string | null;
    features: number;
    tiles: number;
    seconds: number;
    object_f1_vs_truth: number;
  };
};

function formatSummary(s: Summary): string {
  const v = s.model.validation;
  const metrics = v
    ? `pixel IoU ${v['pixel_iou']?.toFixed(3)}, object F1 ${v['object_f1']?.toFixed(3)}`
    : 'no validation';
  return [
    `dataset:     ${s.dataset.chips} chips in ${s.dataset.dir} (STAC item ${s.dataset.stac_item})`,
    `model:       ${s.model.dir} (validation ${metrics}; curves ${s.model.curves})`,
    `prediction:  ${s.prediction.features} buildings over ${s.prediction.tiles} tiles in ${s.prediction.seconds.toFixed(1)} s` +
      ` → ${s.prediction.geojson}`,
    `             object F1 against the scene's truth: ${s.prediction.object_f1_vs_truth}`,
    s.prediction.preview ? `preview:     ${s.prediction.preview}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
