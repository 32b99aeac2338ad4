/**
 * @module cli/commands/demo — `fair demo`, the README's main job: starts the server on embedded defaults (single-user
 * mode on loopback, a local worker in-process) and the synthetic imagery server, then through the HTTP API only:
 * dataset → AOI → labels → training (finetuning the shipped base model, followed over SSE) → promotion to Production
 * → prediction over a new area → scores against the scene's truth and a summary.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { FeatureCollection, Polygon } from 'geojson';
import { bboxPolygon } from '../../geo/index.ts';
import type { BBox } from '../../geo/index.ts';
import { isAppError } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import type { SyntheticScene } from '../../synthetic/index.ts';
import { createApiClient } from '../api-client.ts';
import type { ApiClient } from '../api-client.ts';
import { integerIn } from '../flags.ts';

type DemoFlags = { out?: string; seed: number; epochs: number; json?: boolean };

/** Name the demo registers its model under. */
export const DEMO_MODEL = 'demo-buildings';

/** The training area: 6×4 zoom-19 tiles west of the synthetic scene's centre (about 460 m × 300 m). */
export function demoTrainingBBox(center: readonly [number, number]): BBox {
  const [lon, lat] = center;
  return [lon - 0.0042, lat - 0.0014, lon - 0.0002, lat + 0.0013];
}

/** The prediction area: a new area east of the training area, never seen in training (about 0.09 km²). */
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
      'run the main job offline through the HTTP API: synthetic imagery → dataset → finetune the base model → promote → predict a new area',
    )
    .option('--out <dir>', 'output folder (default <data dir>/demo; its server/ folder is replaced)')
    .option('--seed <n>', 'seed of the synthetic scene', integerIn('--seed', 0, 2 ** 31), 42)
    .option('--epochs <n>', 'finetuning epochs', integerIn('--epochs', 1, 100), 4)
    .option('--json', 'print the summary as JSON')
    .action(async (flags: DemoFlags) => runDemo(flags, config));
}

type Training = {
  id: string;
  phase: string;
  run_id: string | null;
  run_url: string | null;
  model_version: number | null;
  metrics: Record<string, number> | null;
  stac_item_url: string | null;
  execution: { error: string | null };
};
type Prediction = { id: string; features: number; status: string };

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function runDemo(flags: DemoFlags, config: Config): Promise<void> {
  const [synthetic, server, workflows] = await Promise.all([
    import('../../synthetic/index.ts'),
    import('../../server/index.ts'),
    import('../../workflows/index.ts'),
  ]);
  const out = resolve(flags.out ?? join(config.dataDir, 'demo'));
  const dataDir = join(out, 'server');
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const imagery = await synthetic.startSyntheticTileServer({ seed: flags.seed });
  // The demo's own server: embedded database and blobs under <out>/server, single-user on loopback. It reads the
  // loopback imagery server the demo started, so it allows private addresses; it serves nobody else.
  const demoConfig: Config = {
    ...config,
    dataDir,
    tileCacheDir: join(dataDir, 'tile-cache'),
    databaseUrl: undefined,
    storageUrl: undefined,
    publicUrl: undefined,
    allowPrivateNetwork: true,
  };
  const runtime = await workflows.openWorkflowRuntime(demoConfig);
  const errors: string[] = [];
  const onError = (error: unknown): void =>
    void errors.push(error instanceof Error ? error.message : String(error));
  let http: Awaited<ReturnType<typeof server.createServer>> | undefined;
  let worker: ReturnType<typeof workflows.createLocalWorker> | undefined;
  try {
    const services = await server.openServerServices(runtime, { config: demoConfig, onError });
    http = await server.createServer({
      config: demoConfig,
      runtime,
      tables: services.tables,
      routeSets: services.routeSets,
      artifactEndpoints: services.artifactEndpoints,
      singleUser: true,
      onError,
    });
    const url = await http.listen({ port: 0, host: '127.0.0.1' });
    worker = workflows.createLocalWorker({
      protocol: runtime.controlPlane,
      tasks: runtime.tasks,
      catalogModule: workflows.builtinCatalogModule,
      blobs: runtime.blobs,
      config: demoConfig,
      hooks: services.hooks,
      pollMs: 200,
      onError,
    });
    worker.start();
    log(
      `1/5 fAIr server ${url} (single-user, data in ${dataDir}); synthetic imagery ${imagery.tileTemplate}`,
    );
    const summary = await demoThroughApi(
      createApiClient(url),
      imagery.tileJsonUrl,
      imagery.scene,
      flags,
      out,
    );
    const report = {
      server: { url, data: dataDir, browse_again: `fair serve --data ${dataDir}` },
      ...summary,
    };
    if (errors.length > 0) log(`background errors: ${errors.join('; ')}`);
    if (flags.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatSummary(report));
  } finally {
    await worker?.stop();
    await http?.close();
    await runtime.close();
    await imagery.close();
  }
}

type Summary = Awaited<ReturnType<typeof demoThroughApi>>;

/** The main job, through the API only. */
async function demoThroughApi(
  api: ApiClient,
  tileJsonUrl: string,
  scene: SyntheticScene,
  flags: DemoFlags,
  out: string,
) {
  const { syntheticBuildings } = await import('../../synthetic/index.ts');
  const trainBBox = demoTrainingBBox(scene.center);
  const dataset = await api.request<{ id: string }>('POST', '/api/datasets', {
    name: 'demo: synthetic town',
    description: `fair demo, synthetic scene seed ${flags.seed}`,
    imagery: tileJsonUrl,
    zooms: [19],
    mask_kind: 'multi',
  });
  await api.request('POST', `/api/datasets/${dataset.id}/aois`, bboxPolygon(trainBBox));
  const labels = await api.request<{ features: number }>(
    'POST',
    `/api/datasets/${dataset.id}/labels`,
    syntheticBuildings(scene, trainBBox),
  );
  log(`2/5 dataset ${dataset.id}: 1 AOI, ${labels.features} buildings uploaded`);

  const started = Date.now();
  const training = await train(api, dataset.id, flags.epochs);
  const seconds = (Date.now() - started) / 1000;
  const version = training.model_version;
  if (training.phase !== 'SUCCEEDED' || version === null)
    throw new Error(
      `training ${training.id} ended ${training.phase}: ${training.execution.error ?? 'no version'}`,
    );

  let stage = 'None';
  let promotion: string | null = null;
  try {
    stage = (
      await api.request<{ stage: string }>('POST', `/api/models/${DEMO_MODEL}/versions/${version}/promote`, {
        stage: 'Production',
      })
    ).stage;
    log(`4/5 ${DEMO_MODEL} version ${version} promoted to Production (publish gate passed)`);
  } catch (error) {
    if (!isAppError(error, 'INVALID_PARAMETER_VALUE')) throw error;
    promotion = error.message;
    log(`4/5 promotion refused: ${error.message}`);
  }

  const prediction = await predict(api, version, demoPredictionBBox(scene.center), out);
  const truth = syntheticBuildings(scene, demoPredictionBBox(scene.center)).features.map((f) => f.geometry);
  const score = await scoreAgainst(prediction.collection, truth);
  return {
    dataset: { id: dataset.id, labels: labels.features },
    training: {
      id: training.id,
      seconds: Math.round(seconds * 10) / 10,
      evaluation: training.metrics,
      mlflow_run: training.run_url,
    },
    model: {
      name: DEMO_MODEL,
      version,
      stage,
      promotion_refused: promotion,
      stac_item: training.stac_item_url,
    },
    prediction: {
      id: prediction.id,
      features: prediction.features,
      geojson: prediction.geojson,
      osm: prediction.osm,
      object_f1_vs_truth: round(score.f1),
      object_precision_vs_truth: round(score.precision),
      object_recall_vs_truth: round(score.recall),
    },
  };
}

/** Starts the training and follows its events until it ends and its end is recorded. */
async function train(api: ApiClient, datasetId: string, epochs: number): Promise<Training> {
  const started = await api.request<Training>('POST', '/api/trainings', {
    dataset_id: datasetId,
    model_name: DEMO_MODEL,
    base_model: 'unet-s',
    epochs,
    lr: 0.0005,
    seed: 42,
  });
  log(
    `3/5 training ${started.id}: finetuning unet-s for ${epochs} epochs (MLflow run ${started.run_id ?? '-'})`,
  );
  for await (const { data: event } of api.events(`/api/trainings/${started.id}/events`)) {
    const type = String(event['type']);
    const data = (event['data'] ?? {}) as Record<string, unknown>;
    if (type === 'node.running') log(`    ${String(event['nodeId'])} …`);
    else if (type === 'task.metrics') log(`    epoch ${String(data['epoch'])}: ${metricText(data)}`);
    else if (type.startsWith('execution.') && type !== 'execution.running' && type !== 'execution.queued')
      log(`    ${type.slice('execution.'.length)}`);
  }
  // The stream ends with the execution; the server then records the outcome and publishes the version's STAC item.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const training = await api.request<Training>('GET', `/api/trainings/${started.id}`);
    const ended = training.phase !== 'QUEUED' && training.phase !== 'RUNNING';
    const recorded = ended && (training.phase !== 'SUCCEEDED' || training.stac_item_url !== null);
    if (recorded || Date.now() > deadline) return training;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Predicts on the fly and writes the buildings as GeoJSON and OSM XML. */
async function predict(
  api: ApiClient,
  version: number,
  bbox: BBox,
  out: string,
): Promise<Prediction & { geojson: string; osm: string; collection: FeatureCollection<Polygon> }> {
  const prediction = await api.request<Prediction>('POST', '/api/predictions', {
    model_name: DEMO_MODEL,
    model_version: version,
    bbox,
    zoom: 19,
    orthogonalize: true,
  });
  const collection = await api.request<FeatureCollection<Polygon>>(
    'GET',
    `/api/predictions/${prediction.id}/results`,
  );
  const geojson = join(out, 'predictions.geojson');
  const osm = join(out, 'predictions.osm');
  await writeFile(geojson, `${JSON.stringify(collection)}\n`);
  await writeFile(osm, await api.text(`/api/predictions/${prediction.id}/results?format=osm`));
  log(`5/5 predicted ${prediction.features} buildings over a new area (prediction ${prediction.id})`);
  return { ...prediction, geojson, osm, collection };
}

async function scoreAgainst(
  collection: FeatureCollection<Polygon>,
  truth: Polygon[],
): Promise<{ f1: number; precision: number; recall: number }> {
  const { matchPolygons } = await import('../../polygons/index.ts');
  return matchPolygons(
    collection.features.map((f) => f.geometry),
    truth,
    { threshold: 0.5 },
  );
}

function metricText(data: Record<string, unknown>): string {
  return ['train_loss', 'val_loss', 'pixel_iou', 'object_f1']
    .filter((key) => typeof data[key] === 'number')
    .map((key) => `${key} ${(data[key] as number).toFixed(3)}`)
    .join(', ');
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function formatSummary(s: Summary & { server: { url: string; data: string; browse_again: string } }): string {
  const v = s.training.evaluation;
  const metrics = v
    ? `pixel IoU ${v['pixel_iou']?.toFixed(3)}, object F1 ${v['object_f1']?.toFixed(3)}`
    : 'no evaluation';
  return [
    `dataset:     ${s.dataset.id} (${s.dataset.labels} buildings on synthetic imagery)`,
    `training:    ${s.training.id} in ${s.training.seconds.toFixed(1)} s (evaluation ${metrics})`,
    `             MLflow run ${s.training.mlflow_run ?? '-'}`,
    `model:       ${s.model.name} version ${s.model.version}, stage ${s.model.stage}` +
      (s.model.promotion_refused === null ? '' : ` (promotion refused: ${s.model.promotion_refused})`),
    `             STAC item ${s.model.stac_item ?? '-'}`,
    `prediction:  ${s.prediction.features} buildings → ${s.prediction.geojson} (OSM XML ${s.prediction.osm})`,
    `             object F1 against the scene's truth: ${s.prediction.object_f1_vs_truth}`,
    `server:      ${s.server.url} has stopped; browse it again with \`${s.server.browse_again}\``,
  ].join('\n');
}
